"""A real browser against the live server: Debian's Chromium under Playwright.

Playwright's wheel ships its driver but no browser; the system Chromium is
used instead (`make test` installs it when running as root). Without one the
tests skip, except under CI, where a missing browser is a failure.

Each test gets a fresh browser context in which a request for anything but
the live server is refused and recorded, so a test can prove that a page
loads nothing from outside (and none leaves the machine).
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from accounts.models import User

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
TIMEOUT_MS = 15_000
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
# Without the background-networking flags Chromium dials out at start-up,
# and a closed network refuses it.
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
LOCAL_SCHEMES = {"data", "blob", "about"}
STAFF_EMAIL = "staff@example.com"
STAFF_PASSWORD = "staff-password-123"


def _chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium_path()
    if path is None:
        reason = (
            "no Chromium on PATH: `apt-get install chromium` "
            "(`make test` does it when run as root), or set CHROMIUM_PATH"
        )
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="package")
def browser(chromium_path: str) -> Iterator:
    # Playwright's sync API keeps an asyncio loop running on this thread
    # while it is started, which Django's guard takes for async code calling
    # the ORM. The ORM calls here are plain synchronous ones made between
    # browser steps, so the guard is lifted, and only while the browser runs:
    # package scope stops both before the rest of the suite.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def outside_requests() -> list[str]:
    """The URLs the page asked for anywhere but the live server (refused)."""
    return []


@pytest.fixture
def page(browser, live_server, outside_requests: list[str]) -> Iterator:
    own = urlsplit(live_server.url).netloc

    def guard(route) -> None:
        # Requests the browser itself refused (CSP) never reach this point.
        url = route.request.url
        if urlsplit(url).scheme in LOCAL_SCHEMES or urlsplit(url).netloc == own:
            route.continue_()
        else:
            outside_requests.append(url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", guard)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request) -> Callable[..., Path]:
    """Save the page as var/screenshots/<test-name>-<step>.png.

    Pass full_page=False for long pages (the API docs), to keep the window
    the step is about.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(step: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def staff(transactional_db) -> User:
    """A superuser who logs in through the forms, as staff do."""
    return User.objects.create_superuser(STAFF_EMAIL, STAFF_PASSWORD)
