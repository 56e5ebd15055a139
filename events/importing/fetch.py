"""Fetch a partner's feed over the internet without becoming a way into ours (SSRF).

Staff type a URL; the worker fetches it. Unchecked, that URL could be
``http://127.0.0.1:6379`` or a cloud metadata address. Every request here:

- accepts ``http``, ``https`` and ``webcal`` (read as ``https``) only, on
  the usual ports;
- resolves the host once and refuses any address that is not global
  (loopback, private, link-local, shared, multicast, reserved), then
  connects to *that* address (TLS still checks the certificate against the
  host name), so DNS cannot answer differently between check and use;
- follows at most ``MAX_REDIRECTS`` redirects, each checked the same way;
- gives up after ``EVENTS_IMPORT_TIMEOUT`` seconds per network operation and
  reads at most ``EVENTS_IMPORT_MAX_BYTES``.

:class:`FetchError` carries a message for staff, in their language.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 3
ALLOWED_PORTS = {80, 443, 8080, 8443}
USER_AGENT = "Continuum-calendar-import/1.0"


class FetchError(ValueError):
    """The feed could not be fetched; the message says why, for staff."""


def url_normalise(url: str) -> str:
    """``url`` with ``webcal://`` read as ``https://``; :class:`FetchError` if not http(s)."""
    url = (url or "").strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(_("Only http, https and webcal addresses can be imported."))
    if parts.username or parts.password:
        raise FetchError(_("The address must not contain a user name or password."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if port not in ALLOWED_PORTS:
        message = _("The address uses a port that is not allowed (%(port)s).")
        raise FetchError(message % {"port": port})
    return url


def address_allowed(address: str) -> bool:
    """Whether ``address`` is a public internet address (not ours, not a private network)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def host_resolve(host: str, port: int) -> str:
    """One public address of ``host``; :class:`FetchError` if it has a non-public one."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(_("The server %(host)s cannot be found.") % {"host": host}) from error
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise FetchError(
            _("The server %(host)s is on a private network: it cannot be imported from.")
            % {"host": host}
        )
    return addresses[0]


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = host_resolve(parts.hostname, port)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, port, timeout=timeout)

    def connect_to_checked_address(_address, *args, **kwargs):
        return socket.create_connection((address, port), *args, **kwargs)

    # Connect to the address that was checked, not to a second DNS answer.
    connection._create_connection = connect_to_checked_address
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return connection, target


def feed_fetch(url: str) -> bytes:
    """The body of ``url`` (at most ``EVENTS_IMPORT_MAX_BYTES``); :class:`FetchError` otherwise."""
    timeout = settings.EVENTS_IMPORT_TIMEOUT
    limit = settings.EVENTS_IMPORT_MAX_BYTES
    deadline = time.monotonic() + 3 * timeout
    url = url_normalise(url)
    for _redirect in range(MAX_REDIRECTS + 1):
        connection, target = _connection(url, timeout)
        try:
            connection.request(
                "GET",
                target,
                headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"},
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(_("The server redirected without saying where."))
                url = url_normalise(urljoin(url, location))
                continue
            if response.status != 200:
                raise FetchError(
                    _("The server answered %(status)s instead of the calendar.")
                    % {"status": response.status}
                )
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(_size_message(limit))
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FetchError(_size_message(limit))
                if time.monotonic() > deadline:
                    raise FetchError(_("The server took too long to send the calendar."))
                chunks.append(chunk)
            return b"".join(chunks)
        except TimeoutError as error:
            raise FetchError(_("The server took too long to answer.")) from error
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(
                _("The calendar could not be fetched: %(error)s") % {"error": error}
            ) from error
        finally:
            connection.close()
    raise FetchError(_("Too many redirections."))


def _size_message(limit: int) -> str:
    return _("The calendar is larger than %(size)s MB.") % {"size": round(limit / 1_000_000, 1)}
