"""`make run` tells the site its own address, so that links in e-mails reach the port served.

The real Makefile runs with a stand-in virtualenv whose programs only print
the SITE_URL they were given: nothing is installed, migrated or served.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAND_IN = '#!/bin/sh\necho "$(basename "$0") $* SITE_URL=$SITE_URL"\n'

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


@pytest.fixture
def venv(tmp_path):
    """A virtualenv that make takes as installed, with programs that report their environment."""
    (tmp_path / "bin").mkdir()
    for program in ("python", "daphne"):
        path = tmp_path / "bin" / program
        path.write_text(STAND_IN)
        path.chmod(0o755)
    for marker in (".installed", ".installed-test"):
        (tmp_path / marker).touch()
    return tmp_path


def _make_run(venv, **environ) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}} | environ
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "run", f"VENV={venv}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "SITE_URL=" in line]


def test_make_run_on_another_port_links_to_that_port(venv):
    lines = _make_run(venv, PORT="8123")
    # The site (daphne, through cms.serve) gets it; so does every command before it.
    # (The worker, started in the background, may be stopped before its stand-in speaks.)
    assert any(" -m cms.serve " in line for line in lines)
    assert lines and all(line.endswith("SITE_URL=http://127.0.0.1:8123") for line in lines)


def test_make_run_keeps_a_site_url_given_by_the_environment(venv):
    lines = _make_run(venv, PORT="8123", SITE_URL="https://continuum.example.org")
    assert lines and all(line.endswith("SITE_URL=https://continuum.example.org") for line in lines)
