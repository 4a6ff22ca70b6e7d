"""Which pages of the built site the browser tests open (imported by them: this folder is
on sys.path, as pytest puts a test folder without __init__.py there)."""

from __future__ import annotations

from pathlib import Path


def data_page_sample() -> list[str]:
    """The pages of indicators and charts the browser tests open (one generator makes all
    154, fraudbook.pipeline.datapages; the static tests read every one): the indicator with
    the most figures and the one with the fewest, and the charts drawing the most and the
    fewest figures (their records are in the committed pages)."""
    from fraudbook.data.load import load
    from fraudbook.kit import words
    from fraudbook.paths import ROOT
    from fraudbook.pipeline.datapages import chart_records

    counts = load().figures_with_meta()["indicator"].value_counts()
    charts = sorted(chart_records(ROOT / "book").values(), key=lambda c: (-len(c.figures), c.key))
    picked = [words.indicator_page(counts.index[0]), words.indicator_page(counts.index[-1])]
    picked += [words.chart_page(c.key) for c in (charts[:1] + charts[-1:])]
    picked.append(words.DATA_PAGES_INDEX[:-len(".html")])
    return [f"book/{p}.html" for p in dict.fromkeys(picked)]


def is_data_page(path: str) -> bool:
    from fraudbook.kit import words

    name = path.rsplit("/", 1)[-1]
    return name.startswith((words.INDICATOR_PAGE_PREFIX, words.CHART_PAGE_PREFIX)) or name == words.DATA_PAGES_INDEX


def site_pages(site: Path) -> list[str]:
    """The content pages of the site the browser opens, as paths relative to its root: every
    chapter and the sample of data pages (not the root's index.html, which only redirects)."""
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "book").glob("*.html"))
    return [*[p for p in pages if not is_data_page(p)], *data_page_sample()]
