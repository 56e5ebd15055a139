"""``python -m cms.serve``: daphne, answering oversized requests instead of dropping them.

Daphne reads HTTP/1.1 with Twisted's ``HTTPChannel``, a ``LineReceiver``:
a request line or a header line longer than ``MAX_LENGTH`` (16 KiB) makes
it close the connection without a word (``lineLengthExceeded``), and a
request line plus headers over ``totalHeadersSize`` (16 KiB) gets a bare
400. No ASGI middleware can help: the request never reaches the
application. This launcher takes daphne's own command-line options and runs
daphne's server with a channel that answers **414 URI Too Long** when the
request line is too long and **431 Request Header Fields Too Large** when
the headers are, then lets the client finish sending before closing, so
that it reads the answer rather than a connection reset.

In production nginx answers first (``large_client_header_buffers`` in
``deploy/nginx/continuum.conf``, smaller than the limits here), so daphne's
limits are for ``make run`` and for anything that reaches daphne directly.

Override points: :attr:`HTTPChannel.MAX_LENGTH` and
:attr:`HTTPChannel.totalHeadersSize`.
"""

from daphne import server as daphne_server  # first: installs the asyncio reactor
from daphne.cli import CommandLineInterface
from daphne.http_protocol import HTTPFactory as DaphneHTTPFactory
from twisted.internet.interfaces import IHalfCloseableDescriptor
from twisted.web import http

#: Seconds given to a refused client to finish sending and read the answer.
LINGER_SECONDS = 2

_REASONS = {414: b"URI Too Long", 431: b"Request Header Fields Too Large"}
_BODIES = {
    414: b"414 URI Too Long - Adresse trop longue\n",
    431: b"431 Request Header Fields Too Large - En-tetes trop longs\n",
}


def refusal(status: int) -> bytes:
    """The whole HTTP/1.1 answer for a request refused before it was read."""
    body = _BODIES[status]
    return b"".join(
        [
            b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status]),
            b"Content-Type: text/plain; charset=utf-8\r\n",
            b"Content-Length: %d\r\n" % len(body),
            b"Connection: close\r\n\r\n",
            body,
        ]
    )


class HTTPChannel(http.HTTPChannel):
    """Twisted's channel, with an answer for the requests it cannot read."""

    MAX_LENGTH = 16 * 1024
    totalHeadersSize = 16 * 1024
    _refused = False

    def _reading_request_line(self) -> bool:
        # Twisted keeps the parser's state in a private, name-mangled attribute.
        return bool(getattr(self, "_HTTPChannel__first_line", 1))

    def _refuse(self, status: int) -> None:
        self._refused = True
        self.transport.write(refusal(status))
        # Close our side once the answer is sent, keep reading (and dropping)
        # what the client still sends, and close for good after a moment.
        if IHalfCloseableDescriptor.providedBy(self.transport):
            self.transport.loseWriteConnection()
        else:
            self.transport.loseConnection()
        self.setTimeout(LINGER_SECONDS)

    def timeoutConnection(self):
        if self._refused:
            self.transport.abortConnection()
            return
        super().timeoutConnection()

    def dataReceived(self, data):
        if self._refused:
            return
        super().dataReceived(data)

    def lineLengthExceeded(self, line):
        self._refuse(414 if self._reading_request_line() else 431)

    def lineReceived(self, line):
        if self._receivedHeaderSize + len(line) > self.totalHeadersSize:
            self._refuse(414 if self._reading_request_line() else 431)
            return
        super().lineReceived(line)


def _channel(factory) -> object:
    # What Twisted's HTTPFactory.protocol does, with our channel inside the
    # wrapper that would switch to HTTP/2 after TLS negotiation.
    return http._GenericHTTPChannelProtocol(HTTPChannel())


class HTTPFactory(DaphneHTTPFactory):
    protocol = _channel


class Server(daphne_server.Server):
    """Daphne's server, listening with :class:`HTTPFactory`."""

    def run(self):
        # Server.run builds its factory from this module-level name.
        daphne_server.HTTPFactory = HTTPFactory
        super().run()


class CommandLine(CommandLineInterface):
    server_class = Server


def main() -> None:
    CommandLine.entrypoint()


if __name__ == "__main__":
    main()
