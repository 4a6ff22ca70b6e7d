"""Offline site report (`make site-report`): every page of _build/html in Chromium, network cut.

For each page: charts drawn / total, bytes transferred (the page and everything it loads from
127.0.0.1; requests to any other host are blocked and counted), and the time from navigation
to the last chart drawn. A measurement, not a test: the browser tests assert the rules.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from fraudbook.build.serve import serving

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if not (SITE / "index.html").exists():
        sys.exit("no site: run `make book` first")
    with serving(SITE) as base:
        rows, blocked = measure(base)
    print_report(rows, blocked)
    return 0 if sum(r[1] for r in rows) == sum(r[2] for r in rows) else 1


def measure(base: str):
    from playwright.sync_api import sync_playwright

    pages = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "book").glob("*.html"))
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        blocked = []
        for path in pages:
            # A fresh context per page: the first load is cold, the second uses the cache.
            ctx = browser.new_context()
            ctx.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1"
                      else (blocked.append(r.request.url), r.abort()))
            row = [path, 0, 0, 0, 0.0, 0.0]
            for load in (0, 1):
                page = ctx.new_page()
                sizes = []

                def finished(req, sizes=sizes):
                    try:  # a request may finish after its page was closed
                        sizes.append((urlparse(req.url).path, req.sizes()["responseBodySize"]))
                    except Exception:
                        pass

                page.on("requestfinished", finished)
                start = time.perf_counter()
                page.goto(f"{base}/{path}", wait_until="load")
                page.wait_for_function(
                    "[...document.querySelectorAll('div.fraudbook-chart')].every(d => d.dataset.drawn)",
                    timeout=60_000)
                row[4 + load] = time.perf_counter() - start
                if load == 0:
                    row[1] = page.locator("div.fraudbook-chart[data-drawn] svg.marks").count()
                    row[2] = page.locator("div.fraudbook-chart").count()
                    own = sum(n for u, n in sizes if not u.startswith("/_static/") and u != "/searchindex.js")
                    row[3] = (own, sum(n for _, n in sizes) - own)
                page.close()
            rows.append(row)
            ctx.close()
        browser.close()
    return rows, blocked


def print_report(rows, blocked) -> None:
    print(f"{'page':<28} {'charts':>7} {'page bytes':>11} {'shared assets':>14} "
          f"{'last chart, cold':>17} {'cached':>8}")
    for path, drawn, total, (own, shared), cold_s, warm_s in rows:
        print(f"{path:<28} {drawn:>3}/{total:<3} {own:11,d} {shared:14,d} {cold_s:16.2f}s {warm_s:7.2f}s")
    drawn = sum(r[1] for r in rows)
    total = sum(r[2] for r in rows)
    print(f"\n{len(rows)} pages; charts drawn {drawn}/{total}; requests to other hosts blocked: "
          f"{len(blocked)}")
    print(f"heaviest page: {max(r[3][0] for r in rows):,d} bytes of its own; shared assets "
          "(theme, Vega bundle, search index) are loaded once and cached across pages")
    print("cold = first load in a fresh browser context; cached = the same page again")


if __name__ == "__main__":
    sys.exit(main())
