"""Playwright driving Debian's chromium (/usr/bin/chromium) against the live test server.

The server is pytest-django's live server on a file-backed test database; jobs run in a
real ``manage.py rqworker`` process on a real Redis (fixtures in tests/studio/conftest.py).
"""

import os
import shutil

import pytest

from tests.studio.conftest import (  # noqa: F401  (fixtures shared with the studio tests)
    _isolated_media_and_redis,
    alice,
    bob,
    collected_static,
    lessons_built_once,
    make_painted,
    make_project,
    make_user,
    redis_server,
    styles,
    worker_process,
)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by
# fixtures there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: ./test installs Debian's chromium with apt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_up(page):
    def sign_up(username="painter", password="brush-strokes-2026"):
        page.goto("/")
        page.get_by_role("link", name="Create a free account").click()
        page.fill("#id_username", username)
        page.fill("#id_email", f"{username}@example.com")
        page.fill("#id_password1", password)
        page.fill("#id_password2", password)
        page.get_by_role("button", name="Sign up").click()
        page.wait_for_url("**/projects/")
        return username

    return sign_up


PASSWORD = "a-good-passphrase-42"  # make_user's


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/projects/")


_OVERLAPS = """([selector, ignore]) => {
    const folded = (e) => {  // inside a closed <details>, not its summary: not drawn
        for (let d = e.closest('details'); d; d = d.parentElement && d.parentElement.closest('details'))
            if (!d.open && !d.querySelector(':scope > summary').contains(e)) return true;
        return false;
    };
    const leaves = [...document.querySelectorAll(selector)]
        .filter(e => e.getClientRects().length && e.offsetParent !== null && !(ignore && e.closest(ignore)) && !folded(e));
    const boxes = leaves.map(e => [e, e.getBoundingClientRect()]);
    const out = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, ra] = boxes[i], [b, rb] = boxes[j];
        if (a.contains(b) || b.contains(a)) continue;
        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (w > 1 && h > 1) out.push(a.tagName + '.' + a.className + ' "' + a.textContent.slice(0, 30) + '" / ' + b.tagName + '.' + b.className + ' "' + b.textContent.slice(0, 30) + '"');
    }
    return out; }"""


def overlapping_boxes(page, selector: str, ignore: str | None = None) -> list[str]:
    """Pairs of drawn elements matching ``selector`` whose layout boxes overlap by more than
    1 px each way (neither inside the other), skipping those inside ``ignore``."""
    return page.evaluate(_OVERLAPS, [selector, ignore])
