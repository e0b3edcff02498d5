"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live_server.

Playwright's own browser download is not used: the browser is /usr/bin/chromium, which
./scripts/test installs from Debian when it is missing. Mark browser tests with
``@pytest.mark.browser``; the ``page`` fixture gives each test a fresh browser context (no
cookies) whose base URL is the live server, on a transactional database.

Helpers for tests: ``login(page, live_server, username, password)`` and
``assert_no_axe_violations(page)`` (also as the ``axe`` fixture).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("BEKWAAM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
ARTIFACTS = BASE_DIR / "test-results"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API keeps an asyncio event loop running in this thread for as long as
    it is started, and Django refuses ORM calls from a thread with a running loop unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set (safe here: the loop only talks to the browser). The
    variable is set only while Playwright runs, never for the rest of the session: it would
    leak into subprocesses such as `manage.py check --deploy` (async.E001).
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}: run ./scripts/test, which "
            "installs it (apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so that the page fixture can tell a failed test.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(request, browser, live_server, transactional_db):
    # Reduced motion, as a person may ask for in their system settings: Bootstrap then drops
    # its transitions, so axe reads colours at rest, not halfway through a hover fade (an
    # outline button read 4.35:1 mid-fade, 4.69:1 at rest), and the phone's navbar is open
    # before the next click instead of 350 ms later (a click on the account menu while it
    # unfolded left "Uitloggen" hidden in CI).
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", reduced_motion="reduce")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except Exception as exc:  # a screenshot is a courtesy, never a second failure
                print(f"could not save a screenshot: {exc}")
        context.close()


def login(page, live_server, username, password):
    """Log in through the Django login form, as a person would, and wait for the next page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    form = page.locator("form", has=page.locator("#id_username"))
    with page.expect_navigation():
        form.locator("[type=submit]").click()


def open_account_menu(page):
    """Open the account menu (name, password, logout), unfolding the navbar on a phone."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        # As a person waits for the menu to unfold before tapping in it.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("#account-menu").click()
    expect(page.locator("#account-menu")).to_have_attribute("aria-expanded", "true")


def logout(page):
    open_account_menu(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()


_axe_cache: dict[str, str] = {}


def _axe_js() -> str:
    if "source" not in _axe_cache:
        if not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing: run ./scripts/setup (npm ci) first.")
        _axe_cache["source"] = AXE_JS.read_text(encoding="utf-8")
    return _axe_cache["source"]


def format_violations(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page):
    """Run axe-core (WCAG 2.0/2.1 A and AA, and best practices) on the current page.

    The site's Content-Security-Policy allows scripts from 'self' only, so axe is not added
    as a <script> tag: page.evaluate() runs it through the DevTools protocol, which the CSP
    does not govern.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_js())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: tags})",
        AXE_TAGS,
    )
    violations = result["violations"]
    if violations:
        pytest.fail(
            f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations),
            pytrace=False,
        )


@pytest.fixture
def axe():
    return assert_no_axe_violations
