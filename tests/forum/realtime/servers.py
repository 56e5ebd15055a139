"""Real servers for the real-time tests and the benchmark: daphne processes and a redis-server.

``Daphne`` runs ``python -m cms.serve`` (the server ``make run`` and production
use) on a free port, against the test database and a Redis of the caller's
choice; several of them sharing one Redis are several processes of one site.
``RedisServer`` is a redis-server of the test's own, on a fixed port, that the
test stops and starts again (the channel layer and presence reconnect to the
same address).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen | None, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"server exited: {output[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def test_database_url() -> str:
    """The URL of the database the running tests use (``test_…``), for servers they start."""
    from django.db import connection

    settings = connection.settings_dict
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings['NAME']}"


class Daphne:
    def __init__(
        self,
        *,
        redis_url: str,
        database_url: str | None = None,
        name: str = "daphne",
        options: tuple[str, ...] = (),
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.name = name
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed in stop())
            prefix=f"{name}-", suffix=".log", delete=False
        )
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "cms.settings.test"),
            "DATABASE_URL": database_url or test_database_url(),
            "REDIS_URL": redis_url,
        }
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "cms.serve", "-v", "1"),
                *("-b", "127.0.0.1", "-p", str(self.port), *options, "cms.asgi:application"),
            ],
            cwd=ROOT,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, seconds: float = 120) -> Daphne:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log()[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return Path(self._log.name).read_text(errors="replace")

    def rss_bytes(self) -> int:
        """Resident memory of the server process (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()
        with contextlib.suppress(OSError):
            os.unlink(self._log.name)


class RedisServer:
    """A redis-server of the test's own; ``stop()`` and ``start()`` keep its port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = tempfile.mkdtemp(prefix="continuum-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        executable = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                *(executable, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.process, 20)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class Browserless:
    """An HTTP client signed in with a session cookie: posts forms as the member would."""

    def __init__(self, base_url: str, session_cookie: tuple[str, str]):
        self.base_url = base_url
        self.csrf = secrets.token_hex(16)
        name, value = session_cookie
        self.cookie = f"{name}={value}; csrftoken={self.csrf}"

    def post(self, path: str, fields: dict, *, timeout: float = 30) -> tuple[int, dict]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(  # noqa: S310  (http://127.0.0.1 only)
            self.base_url + path,
            data=data,
            headers={
                "Cookie": self.cookie,
                "X-CSRFToken": self.csrf,
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body or b"{}")
            except ValueError:
                return error.code, {"body": body[:2000].decode(errors="replace")}
