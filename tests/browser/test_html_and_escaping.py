"""Valid HTML (the Nu Html Checker) and safe rendering of text that comes from the data."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from fraudbook.paths import ROOT, copy_tracked

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_our_pages_are_valid_html(built_site: Path):
    java = shutil.which("java")
    assert java, "no java on PATH: the Nu Html Checker needs Java 17 (apt-get install default-jre-headless)"
    assert VNU.exists(), "node_modules/vnu-jar is missing: run `npm ci` (make test does)"
    pages = [str(p) for p in sorted(built_site.rglob("*.html")) if "_static" not in p.parts]
    proc = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    shown = [f"{m['url'].split('/html/')[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert not shown, "\n".join(shown[:30])


# HTML, a script end tag, MyST substitution (Jinja), dollar math, roles and directives that
# read files of the machine: each must reach the page as the text it is.
MARKUP = ('<img src=x onerror="window.__pwned=1"><b class="injected">bold</b>'
          '</script><script>window.__pwned=2</script>'
          " {{ 7*191919 }} $x^2$ {download}`/etc/hostname` {eval-rst}`.. raw:: html :file: /etc/passwd`"
          " ```{literalinclude} /etc/passwd``` :::{note} x ::: [link](javascript:window.__pwned=3)")
JINJA_RESULT = str(7 * 191919)
MACHINE_FILE = "root:x:0:0"   # what /etc/passwd would put on a page
# Every text column that pages show: each gets the markup appended in the hostile copy. URLs
# cannot carry raw markup (the loader refuses it; tests/test_hostile_data.py), so every URL
# becomes a valid one with percent-encoded markup and a query string that needs escaping.
HOSTILE_COLUMNS = {
    "sources.csv": ("publisher", "title", "original", "body", "note"),
    "indicators.csv": ("title", "description", "caveats"),
    "figures.csv": ("note",),
    "citations.csv": ("quote", "note"),
    "events.csv": ("title", "description"),
    "places.csv": ("name",),
    "geographies.csv": ("name",),
    "conflicts.csv": ("topic", "explanation"),
    "changes.csv": ("reason",),
    "audit.csv": ("note",),
}
HOSTILE_URL = "https://example.com/x?q=%3Cscript%3Ealert%281%29%3C/script%3E&y=1"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The whole book built from a copy of the repository whose data texts carry HTML markup."""
    import os
    import sys

    repo = copy_tracked(tmp_path_factory.mktemp("hostile") / "repo")
    for name, columns in HOSTILE_COLUMNS.items():
        path = repo / "data" / name
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        for r in rows:
            for c in columns:
                if c not in ("original", "body", "note") or r[c]:  # empty stays empty where it means "none"
                    r[c] = f"{r[c]} {MARKUP}"
            if name == "sources.csv" and r["url"]:
                r["url"] = HOSTILE_URL
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    # Run in the copy, `python -m fraudbook` imports the copy's package and reads its data;
    # the build hands both to its kernels (fraudbook.paths.Layout.kernel_env).
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAUDBOOK_") and k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-m", "fraudbook", "build", "--force"], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, f"the hostile build failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return repo / "_build" / "html"


def test_markup_in_the_data_shows_as_text_on_every_page(hostile_site, browser):
    from fraudbook.pipeline.serve import serving

    problems = []
    with serving(hostile_site) as base:
        for html_file in sorted((hostile_site / "book").rglob("*.html")):
            path = html_file.relative_to(hostile_site).as_posix()
            page = browser.new_page()
            outside = []
            page.on("request", lambda r, seen=outside: seen.append(r.url)
                    if not r.url.startswith((base, "data:", "blob:")) else None)
            page.goto(f"{base}/{path}", wait_until="load")
            page.wait_for_function(
                "[...document.querySelectorAll('div.fraudbook-chart')].every(d => d.dataset.drawn)",
                timeout=30_000)
            # Pointing at a chart draws it with Vega, whose tooltips carry the data.
            for chart in page.locator("div.fraudbook-chart").all()[:2]:
                chart.scroll_into_view_if_needed()
                chart.hover()
                page.wait_for_function("c => c.dataset.interactive === 'true'", arg=chart.element_handle(),
                                       timeout=30_000)
            for mark in page.locator("div.fraudbook-chart svg path.mark-symbol, "
                                     "div.fraudbook-chart svg .mark-rect path").all()[:2]:
                try:
                    mark.hover(timeout=2_000)
                except Exception:
                    pass  # a mark outside the viewport: the tooltip check is best effort
            if page.locator("b.injected").count():
                problems.append(f"{path}: markup from the data was rendered")
            if page.evaluate("window.__pwned") is not None:
                problems.append(f"{path}: an event handler or a script from the data ran")
            text = page.content()
            if JINJA_RESULT in text:
                problems.append(f"{path}: a {{{{ }}}} expression from the data was evaluated")
            if MACHINE_FILE in text:
                problems.append(f"{path}: a file of the machine reached the page")
            if "mathjax" in text.lower():
                problems.append(f"{path}: a $ from the data made the page load MathJax")
            if outside:
                problems.append(f"{path}: requests left the site: {outside[:3]}")
            page.close()
    assert not problems, "\n".join(problems)
    index = (hostile_site / "book" / "index.html").read_text(encoding="utf-8")
    assert "&lt;b class=" in index, "the markup is not shown as text on the landing page"
    for f in [*hostile_site.rglob("*.html"), *hostile_site.rglob("*.txt")]:
        assert MACHINE_FILE not in f.read_text(encoding="utf-8", errors="replace"), f
    assert not [p for p in hostile_site.rglob("*") if p.name in ("passwd", "hostname")]
    for name in ("sources.html", "register.html", "register-earlier.html"):
        listed = (hostile_site / "book" / name).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in listed, name
    sources = (hostile_site / "book" / "sources.html").read_text(encoding="utf-8")
    assert 'href="https://example.com/x?q=%3Cscript%3Ealert%281%29%3C/script%3E&amp;y=1"' in sources
