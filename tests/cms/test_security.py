"""Security baseline: production settings, headers, and the CSP scope."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Production never runs with the test run's escape hatch for Playwright.
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="cms.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_deploy_check_reports_no_warning_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="continuum.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_public_pages_carry_a_strict_content_security_policy(client, site):
    response = client.get("/fr/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_wagtail_admin_is_outside_the_strict_policy(client, staff):
    # The Wagtail admin needs inline scripts (wagtail#1288): the strict policy is scoped away.
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers


def test_no_real_secret_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    suspicious = [
        name
        for name in tracked
        if name.endswith((".pem", ".key", ".p12", ".env")) or Path(name).name == ".env"
    ]
    assert suspicious == []
