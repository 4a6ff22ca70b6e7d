"""A real browser on the built site: Debian's Chromium driven by Playwright, offline.

The site (rendered once per session from the committed pages) is served on 127.0.0.1;
every request to another host is blocked and recorded. A missing browser is a failure,
never a skip: these tests are part of `make test` and CI.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from fraudbook.pipeline.serve import serving

CHROMIUM = os.environ.get("FRAUDBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def server(built_site: Path):
    """Base URL of the site served on an ephemeral port of 127.0.0.1."""
    with serving(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) or set "
                    "FRAUDBOOK_CHROMIUM; the browser tests never skip")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class PageRecord:
    """What one page load did: console errors, page errors and requests to other hosts."""

    def __init__(self):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.outside: list[str] = []


@pytest.fixture
def open_page(browser, server):
    """open_page(path, dark=False) -> (page, record), with outside hosts blocked."""
    contexts = []

    def _open(path: str, dark: bool = False, wait_charts: bool = True, width: int = 1280,
              javascript: bool = True):
        ctx = browser.new_context(color_scheme="dark" if dark else "light",
                                  viewport={"width": width, "height": 900},
                                  java_script_enabled=javascript)
        contexts.append(ctx)
        if dark:  # the theme reads its mode from localStorage before painting
            ctx.add_init_script("localStorage.setItem('mode','dark');localStorage.setItem('theme','dark');")
        record = PageRecord()

        def route(r):
            host = urlparse(r.request.url).hostname
            if r.request.url.startswith("data:") or host == "127.0.0.1":
                return r.continue_()
            record.outside.append(r.request.url)
            return r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.on("console", lambda m: record.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: record.page_errors.append(str(e)))
        page.goto(f"{server}/{path}", wait_until="load")
        if wait_charts:
            # Every chart is drawn at build time (an SVG file in a <picture>); wait until each
            # drawing the page fetches at once has loaded (the others load as they near the
            # screen: loading="lazy").
            page.wait_for_function(
                "[...document.querySelectorAll('div.fraudbook-chart')].every(d => {"
                " const i = d.querySelector('.fraudbook-chart-static img');"
                " return d.querySelector('svg') || (i && i.loading === 'lazy')"
                "  || (i && i.complete && i.naturalWidth > 0); })",
                timeout=30_000)
        return page, record

    yield _open
    for ctx in contexts:
        ctx.close()
