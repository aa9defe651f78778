"""One headless Chromium for the whole run, driven by Playwright from a thread of its own.

Why a thread: Playwright's sync API leaves an asyncio loop marked as running in the thread that
calls it, and Django refuses database work in such a thread (SynchronousOnlyOperation). Rather
than switch Django's check off for the whole run (DJANGO_ALLOW_ASYNC_UNSAFE), the browser lives
in its own thread. Tests and fixtures use the ORM in the main thread as usual, and hand the
browser steps, plain functions taking a Playwright page, to `chromium.run()`.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless without a sandbox (CI runs as root); no calls home, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[1] / "results"

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}

# The live server answers on 127.0.0.1, the address Chromium is pointed at.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


class Chromium:
    """A Chromium browser owned by one worker thread; every call goes through that thread."""

    def __init__(self):
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._playwright = None
        self._browser = None
        try:
            self._call(self._launch)
        except BaseException:
            self.close()
            raise

    def _call(self, fn, *args, **kwargs):
        # .result() re-raises the browser thread's exception (an AssertionError too) here.
        return self._thread.submit(fn, *args, **kwargs).result()

    def _launch(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )

    def run(self, steps, *args, device=DESKTOP, **context_options):
        """Run `steps(page, *args)` in a fresh browser context (no cookies) and return its result."""
        return self._call(self._run, steps, args, {**device, **context_options})

    def _run(self, steps, args, options):
        context = self._browser.new_context(locale="zh-CN", **options)
        # Every step here answers from 127.0.0.1 within a second; a wait this long is a failure.
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            return steps(page, *args)
        except Exception:
            # What the browser showed when a step failed, for the person reading the failure.
            screenshot(page, f"failed-{steps.__name__}")
            raise
        finally:
            context.close()

    def close(self):
        def stop():
            if self._browser is not None:
                self._browser.close()
            if self._playwright is not None:
                self._playwright.stop()

        self._call(stop)
        self._thread.shutdown()


@pytest.fixture(scope="session")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        # A failure, not a skip: the browser tests are part of the suite.
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. The browser tests need Debian's "
            "chromium and fonts-noto-cjk packages: run .ci/install-browser (as root) or "
            "`make test`, which does.",
            pytrace=False,
        )
    browser = Chromium()
    yield browser
    browser.close()


def watch_console(page):
    """A list that fills with the page's console errors and uncaught exceptions."""
    errors = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


def screenshot(page, name):
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=RESULTS / f"{name}.png", full_page=True)


@pytest.fixture
def first_article(live_server, first_article):
    """The first article (tests/conftest.py), committed where the live server reads it."""
    return first_article
