"""Site report (`make site-report`): Lighthouse (mobile preset) on every page of the built site.

The site is served on 127.0.0.1 with gzip, as a static host would serve it
(fraudbook.pipeline.serve, gzip=True: the build's precompressed .gz files). Lighthouse comes from
npm, pinned in package.json / package-lock.json (`npm ci` installs it), and drives Debian's
Chromium (CHROME_PATH, headless, no sandbox); nothing downloads a browser. Requests to other
hosts are blocked by the browser's host resolver rules.

For each page: performance, accessibility, best practices, SEO (0-100), first and largest
contentful paint, total blocking time, cumulative layout shift and bytes transferred cold.
A measurement, not a test: the browser tests assert the rules; the targets are printed beside.

A single Lighthouse run of a page varies by several points from one run to the next on a
small machine; `--runs N` runs each page N times and reports the median of each measure
(Lighthouse's own advice for comparing pages).

  python benchmarks/site_report.py [--site DIR] [--pages N] [--only PAGE ...] [--runs N]
                                   [--markdown FILE] [--label TEXT]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fraudbook.pipeline.serve import serving  # noqa: E402
from fraudbook.pipeline.system import chromium  # noqa: E402

SITE = ROOT / "_build" / "html"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
# Targets of the issue "Fast on a phone, whole without JavaScript, and a PDF edition".
TARGETS = "performance >= 95, accessibility 100, FCP <= 1.8 s, LCP <= 2.5 s, CLS <= 0.02, " \
          "<= 400 KB transferred cold on a chapter page"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --no-first-run "
                "--disable-background-networking --disable-component-update "
                "--host-resolver-rules=\"MAP * ~NOTFOUND, EXCLUDE 127.0.0.1\"")


def lighthouse(url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": chromium()}
    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
           "--only-categories=performance,accessibility,best-practices,seo",
           f"--chrome-flags={CHROME_FLAGS}"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}: {proc.stderr.strip()[-800:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def row(path: str, report: dict) -> dict:
    cats, audits = report["categories"], report["audits"]

    def score(name):
        s = cats[name]["score"]
        return None if s is None else round(s * 100)

    return {
        "page": path,
        "perf": score("performance"), "a11y": score("accessibility"),
        "bp": score("best-practices"), "seo": score("seo"),
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "kb": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def median_row(runs: list[dict]) -> dict:
    """Each measure's median over runs of one page (the runs themselves when there is one)."""
    if len(runs) == 1:
        return runs[0]
    out = {"page": runs[0]["page"]}
    for key in runs[0]:
        if key != "page":
            values = [r[key] for r in runs if r[key] is not None]
            out[key] = statistics.median(values) if values else None
    return out


def table(rows: list[dict]) -> str:
    lines = ["| page | perf | a11y | best pr. | SEO | FCP s | LCP s | TBT ms | CLS | KB cold |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        lines.append(f"| {r['page']} | {r['perf']} | {r['a11y']} | {r['bp']} | {r['seo']} | "
                     f"{r['fcp']:.2f} | {r['lcp']:.2f} | {r['tbt']:.0f} | {r['cls']:.3f} | "
                     f"{r['kb']:.0f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=SITE)
    ap.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    ap.add_argument("--only", nargs="+", default=[], metavar="PAGE",
                    help="only these pages (file names in book/, e.g. sources.html)")
    ap.add_argument("--runs", type=int, default=1, help="runs per page; the median of each measure is shown")
    ap.add_argument("--markdown", type=Path, help="append the table to this Markdown file")
    ap.add_argument("--label", default="", help="heading for the table in --markdown")
    args = ap.parse_args(argv)
    site = args.site.resolve()
    if not (site / "index.html").exists():
        sys.exit(f"no site in {site}: run `make book` first")
    if not LIGHTHOUSE.exists():
        sys.exit("no Lighthouse in node_modules: run `npm ci` (pinned in package-lock.json)")
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "book").glob("*.html"))
    if args.only:
        unknown = sorted(set(args.only) - {p.removeprefix("book/") for p in pages})
        if unknown:
            sys.exit(f"--only: no such page in {site / 'book'}: {', '.join(unknown)}")
        pages = [p for p in pages if p.removeprefix("book/") in args.only]
    if args.pages:
        pages = pages[: args.pages]
    if args.runs < 1:
        sys.exit("--runs must be 1 or more")
    rows = []
    with serving(site, gzip=True) as base, tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(pages):
            runs = [row(path, lighthouse(f"{base}/{path}", Path(tmp) / f"{i}-{k}.json"))
                    for k in range(args.runs)]
            rows.append(median_row(runs))
            r = rows[-1]
            print(f"{path:<28} perf {r['perf']:>3} a11y {r['a11y']:>3} bp {r['bp']:>3} "
                  f"seo {r['seo']:>3} FCP {r['fcp']:.2f}s LCP {r['lcp']:.2f}s TBT {r['tbt']:.0f}ms "
                  f"CLS {r['cls']:.3f} {r['kb']:.0f} KB", flush=True)
    text = table(rows)
    print("\n" + text + f"\n\ntargets: {TARGETS}")
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as fh:
            runs = f", median of {args.runs} runs per page" if args.runs > 1 else ""
            fh.write(f"\n## {args.label or site}\n\nLighthouse 12 (npm, pinned), mobile preset, "
                     f"Debian Chromium headless, site served gzip on 127.0.0.1{runs}.\n\n{text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
