"""Oversized requests get an answer: 414 for a long URL, 431 for long headers.

Daphne (Twisted) used to close the connection without a word on a request
line over 16 KiB. ``cms.serve`` is checked as a real server on a socket,
then nginx with the production configuration's buffers in front of it.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from cms.serve import HTTPChannel

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx" / "continuum.conf"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stdout.read()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def _exchange(port: int, request: bytes) -> bytes:
    """Send a raw request and read the whole answer (b"" when the server hangs up mute)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := connection.recv(65536):
                answer += chunk
    return answer


def _get(path: bytes, *headers: bytes) -> bytes:
    lines = [b"GET " + path + b" HTTP/1.1", b"Host: localhost", *headers, b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _status(answer: bytes) -> int | None:
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    return int(match.group(1)) if match else None


@pytest.fixture(scope="module")
def daphne_port():
    port = _free_port()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    command = ["-m", "cms.serve", "-v", "0", "-b", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(
        [sys.executable, *command, "cms.asgi:application"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_url_just_under_the_limit_reaches_the_site(daphne_port):
    path = b"/healthz?pad=" + b"a" * (HTTPChannel.MAX_LENGTH - 1024)
    assert _status(_exchange(daphne_port, _get(path))) in {200, 503}


@pytest.mark.parametrize("size", [17_000, 100_000, 1_000_000])
def test_a_url_over_the_limit_gets_414_uri_too_long(daphne_port, size):
    answer = _exchange(daphne_port, _get(b"/fr/directory/?q=" + b"a" * size))
    assert _status(answer) == 414
    assert answer.endswith(b"414 URI Too Long - Adresse trop longue\n")


def test_a_header_over_the_limit_gets_431(daphne_port):
    answer = _exchange(daphne_port, _get(b"/healthz", b"Cookie: " + b"a" * 20_000))
    assert _status(answer) == 431


def test_headers_over_the_total_limit_get_431(daphne_port):
    headers = [b"X-Pad-%d: %s" % (n, b"a" * 1000) for n in range(20)]
    assert _status(_exchange(daphne_port, _get(b"/healthz", *headers))) == 431


def test_the_connection_still_serves_after_a_refusal_elsewhere(daphne_port):
    _exchange(daphne_port, _get(b"/?q=" + b"a" * 20_000))
    assert _status(_exchange(daphne_port, _get(b"/healthz"))) in {200, 503}


# --- nginx, as deployed ------------------------------------------------------------------


def _nginx_buffers() -> tuple[int, int]:
    match = re.search(r"large_client_header_buffers\s+(\d+)\s+(\d+)k;", NGINX_CONF.read_text())
    assert match, "deploy/nginx/continuum.conf must set large_client_header_buffers"
    return int(match.group(1)), int(match.group(2)) * 1024


def test_nginx_refuses_long_lines_before_daphne_would():
    _count, size = _nginx_buffers()
    # nginx answers 414/400 for a line over one buffer; daphne never sees one it would refuse.
    assert size < HTTPChannel.MAX_LENGTH


@pytest.fixture
def nginx_port(daphne_port):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    count, size = _nginx_buffers()
    port = _free_port()
    with tempfile.TemporaryDirectory() as directory:
        config = Path(directory) / "nginx.conf"
        config.write_text(
            f"""
            daemon off; master_process off; pid {directory}/nginx.pid;
            error_log {directory}/error.log;
            events {{}}
            http {{
                access_log off;
                client_body_temp_path {directory}/body; proxy_temp_path {directory}/proxy;
                fastcgi_temp_path {directory}/fastcgi; uwsgi_temp_path {directory}/uwsgi;
                scgi_temp_path {directory}/scgi;
                server {{
                    listen 127.0.0.1:{port};
                    large_client_header_buffers {count} {size // 1024}k;
                    location / {{
                        proxy_pass http://127.0.0.1:{daphne_port};
                        proxy_http_version 1.1;
                        proxy_set_header Host $host;
                    }}
                }}
            }}
            """
        )
        process = subprocess.Popen(
            [nginx, "-c", str(config), "-p", directory],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_for(port, process, seconds=30)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_nginx_as_deployed_answers_414_for_a_long_url(nginx_port):
    _count, size = _nginx_buffers()
    answer = _exchange(nginx_port, _get(b"/fr/directory/?q=" + b"a" * (size + 100)))
    assert _status(answer) == 414


def test_nginx_as_deployed_passes_a_url_under_its_buffer_to_the_site(nginx_port):
    _count, size = _nginx_buffers()
    answer = _exchange(nginx_port, _get(b"/healthz?pad=" + b"a" * (size - 1024)))
    assert _status(answer) in {200, 503}
