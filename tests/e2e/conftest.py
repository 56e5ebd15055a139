"""Browser fixtures: Debian's Chromium driven by Playwright, against a live server.

``page`` opens a fresh browser context (no cookies) on the live server, in
French by default. ``axe_violations(page)`` runs axe-core in the page and
returns the WCAG 2.0/2.1 A and AA violations.
"""

import os
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import sync_playwright

from django.conf import settings
from django.test import Client

# Playwright's sync API keeps an event loop in the test thread; Django's ORM
# would otherwise refuse to run there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: Playwright's sync API keeps an event loop running in this thread
    while it lives, which would stop async tests (Channels consumers) from running
    in the same worker after it."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Factory of pages, each in its own context (its own cookies): one per person."""
    contexts = []

    def make(locale: str = "fr-CA", **options):
        """``options`` go to the browser context: ``viewport``, ``java_script_enabled``…"""
        context = browser.new_context(base_url=live_server.url, locale=locale, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page; return WCAG 2.0/2.1 A and AA violations."""
    page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        WCAG_AA_TAGS,
    )


def format_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][:3]}" for v in violations
    )


def sign_in_with_a_session(page, live_server, user) -> None:
    """A session cookie for ``user`` (quicker than the login page, for pages a test does not
    reach through it)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def accessibility_node(page, name: str) -> dict | None:
    """What Chromium gives assistive technologies for the first node named ``name``:
    its role and states (``expanded``, ``focusable``…), from its accessibility tree."""
    session = page.context.new_cdp_session(page)
    try:
        for node in session.send("Accessibility.getFullAXTree")["nodes"]:
            if node.get("ignored") or (node.get("name") or {}).get("value") != name:
                continue
            states = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
            return {"role": node["role"]["value"], **states}
        return None
    finally:
        session.detach()


def undescribed_errors(page) -> list[str]:
    """Ids of invalid controls whose aria-describedby does not name each of their errors.

    Every control marked aria-invalid must have at least one error in its description,
    and every error shown in its field (``.field__error``) must be in it."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid="true"]')].filter(control => {
            const ids = (control.getAttribute('aria-describedby') || '').split(/\\s+/);
            const described = ids.map(id => document.getElementById(id))
                .filter(Boolean).map(element => element.textContent).join(' ');
            const field = control.closest('.field, fieldset');
            const errors = field ? [...field.querySelectorAll('.field__error')]
                .flatMap(e => e.querySelector('p') ? [...e.querySelectorAll('p')] : [e])
                .map(e => e.textContent.trim()).filter(Boolean) : [];
            return errors.length === 0 || errors.some(error => !described.includes(error));
        }).map(control => control.id || control.name)"""
    )
