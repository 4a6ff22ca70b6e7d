"""A page of its own for every indicator (what is counted) and every chart, made from the data
and the charts' records when the site is built (no kernel, no server).

- `book/indicator-<key>.html`: what the figures count and what they do not, every figure of
  the indicator as a row with its own address (`#figure-<id>`, where a figure's permalink
  lands), its amount, period and place, every citation with its strength mark and the
  sentence that states it, the disagreements it takes part in, its history in the changes
  ledger, the charts that draw it, the date it was last updated and its citation (text,
  BibTeX, RIS, CSL-JSON).
- `book/chart-<key>.html`: the chart, what it draws and from which sources, its data as a
  table, the download bundle (`downloads/<key>.zip`: the CSV, metadata.json, README) with
  snippets that load it in pandas and R, an embed snippet and its citation.

Both sit directly in book/ beside the chapters, so that every relative link the kit writes
(to the sources, the disagreements, the changes, the chart files) holds on them too. Their
addresses are made from the indicator's and the chart's own key, never from a hash, so an
outside link survives a data edit. The chart records come from the executed pages
(metadata.fraudbook.reads.charts, written by fraudbook.kit.reads while a page runs).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..data.load import Dataset
from ..data.values import blank
from ..kit import escape, evidence, ledger, names, tables, words
from ..kit.charts import KEY as CHART_KEY
from ..kit.dates import when
from ..kit.escape import html_text
from ..kit.page import DOWNLOADS_DIR
from .errors import BuildError


@dataclass(frozen=True)
class Chart:
    """What the build knows of one chart: its record from the page that draws it."""
    key: str
    page: str                   # document name of the page that draws it, e.g. book/losses
    title: str = ""
    description: str = ""
    figures: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    csv: str = ""               # the CSV text of its data ('' when the chart has none)


@dataclass
class DataPage:
    name: str                   # document name, e.g. book/indicator-ic3-reported-losses
    title: str
    body: str                   # the article's HTML
    description: str
    files: dict[str, bytes] = field(default_factory=dict)   # beside the page: name -> bytes

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for part in (self.name, self.title, self.body, self.description):
            h.update(part.encode("utf-8") + b"\0")
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + self.files[name] + b"\0")
        return h.hexdigest()


def page_charts(notebook: Path) -> dict[str, Chart]:
    """The charts an executed page recorded (metadata.fraudbook.reads.charts, written by
    fraudbook.kit.reads as the page ran), by key; BuildError for a page that cannot be read or
    a chart whose key could not name a file."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"{notebook.name}: cannot read the page to write its downloads ({exc})") from None
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    charts = (((meta or {}).get("fraudbook") or {}).get("reads") or {}).get("charts") or {}
    out: dict[str, Chart] = {}
    for key, rec in sorted(charts.items()) if isinstance(charts, dict) else ():
        csv_text = rec.get("csv", "") if isinstance(rec, dict) else None
        if not isinstance(csv_text, str) or not isinstance(key, str) or not CHART_KEY.fullmatch(key):
            raise BuildError(f"{notebook.name}: a chart download is named {str(key)[:80]!r}; "
                             "expected a chart key (lowercase letters, digits, '-')")
        out[key] = Chart(
            key=key, page=f"book/{notebook.stem}", title=str(rec.get("title", "")),
            description=str(rec.get("description", "")),
            figures=tuple(str(f) for f in rec.get("figures", [])),
            sources=tuple(str(s) for s in rec.get("sources", [])), csv=csv_text)
    return out


def chart_records(book: Path) -> dict[str, Chart]:
    """Every chart the executed pages of `book` recorded, by key."""
    return {k: c for nb in sorted(book.glob("*.ipynb")) for k, c in page_charts(nb).items()}


# --- pieces shared by both kinds of page ---------------------------------------------------

def _section(title: str, body: str, anchor: str) -> str:
    return (f'<section id="{anchor}"><h2>{html_text(title)}'
            f'<a class="headerlink" href="#{anchor}" title="Link to this heading">#</a></h2>'
            f"{body}</section>")


def _page(title: str, anchor: str, lede: str, sections: list[str]) -> str:
    return (f'<section id="{anchor}" class="fraudbook-data-page"><h1>{html_text(title)}'
            f'<a class="headerlink" href="#{anchor}" title="Link to this heading">#</a></h1>'
            f"{lede}{''.join(sections)}</section>")


def _pre(text: str, css: str, label: str) -> str:
    # A snippet may be wider than a phone: it scrolls, so it is a named region that takes the
    # keyboard's focus too (a <pre> may carry a name only with such a role).
    return (f'<pre class="{css}" role="region" tabindex="0" aria-label="{html_text(label)}">'
            f"<code>{html_text(text)}</code></pre>")


def _history(ds: Dataset, fid: str) -> str:
    """The figure's entries in the changes ledger, oldest first: each links to its entry on
    the Changes page, which says what changed and why in words."""
    ch = ds.changes[ds.changes["subject_id"] == fid] if len(ds.changes) else ds.changes
    items = []
    for cid, c in ch.sort_values("date").iterrows():
        items.append(f'<li><a href="{html_text(ledger.change_href(cid))}">'
                     f"{html_text(ledger.change_word(str(c['kind'])))} in edition {html_text(c['edition'])}"
                     f"</a>, {html_text(when(c['date']))}</li>")
    return f'<ul class="fraudbook-history">{"".join(items)}</ul>' if items else ""


def _last_updated(ds: Dataset, ids) -> str:
    ids = set(ids)
    dates = [str(d) for s, d in zip(ds.changes["subject_id"], ds.changes["date"], strict=True) if s in ids]
    return max(dates) if dates else ""


def _updated_line(day: str, edition: str) -> str:
    when_text = (f'<time datetime="{html_text(day)}">{html_text(when(day))}</time>' if day
                 else "not recorded")
    return (f'<p class="fraudbook-updated">Last updated: {when_text}. Edition '
            f"{html_text(edition)}.</p>")


# --- indicator pages --------------------------------------------------------------------

def _figure_rows(ds: Dataset, meta: pd.DataFrame) -> pd.DataFrame:
    from ..kit import page

    r = page.statements(meta, ds.geographies).reset_index()
    conflicts = evidence.conflict_links(ds)
    r["figure_html"] = [
        f'<a href="#figure-{html_text(x["figure_id"])}"><strong>'
        f"{words.keep_units(html_text(x['amount']))}</strong></a>"
        + escape.small(html_text(f"{x['period_text']}; {x['where']}")) for _, x in r.iterrows()]
    r["evidence_html"] = [
        evidence.citations_html(ds, fid)
        + (escape.small("Disagreements: " + ", ".join(conflicts[fid])) if fid in conflicts else "")
        for fid in r["figure_id"]]
    r["history_html"] = [_history(ds, fid) for fid in r["figure_id"]]
    return r


def indicator_page(ds: Dataset, indicator: str, meta: pd.DataFrame, rows: pd.DataFrame,
                   charts: list[Chart], edition: str, cite_files) -> DataPage:
    """`meta`: the indicator's figures with their metadata; `rows`: the same as _figure_rows."""
    ind = ds.indicators.loc[indicator]
    title = str(ind["title"])
    table = tables.frame_table(
        rows, {"figure_html": "Figure, period and place", "evidence_html": "Sources and what they say",
               "history_html": "Changes"},
        raw_html=("figure_html", "evidence_html", "history_html"),
        row_id=lambda x: f"figure-{x['figure_id']}", wide=True)
    places = sorted({n for g in meta["geography"] for n in
                     [names.names(g, ds.geographies, "")]})
    lede = (f'<p class="fraudbook-lede">{html_text(ind["description"])}</p>'
            + _updated_line(_last_updated(ds, meta.index), edition))
    know = [f"<p>{html_text(ind['caveats'])}</p>"] if not blank(ind.get("caveats")) else []
    know.append(f"<p>{html_text(words.UNIT_WORDS.get(ind['unit'], ind['unit']).capitalize())}; "
                f"{len(meta)} figure{'s' if len(meta) != 1 else ''}, for "
                f"{html_text('; '.join(places))}. Each figure is given as its source states it: "
                "the qualifier, the period and the place are part of it, and figures of "
                "different periods or places are not added up.</p>")
    sections = [_section("What you should know", "".join(know), "what-you-should-know"),
                _section("The figures", table, "the-figures")]
    if charts:
        items = "".join(f'<li><a href="{words.chart_page(c.key)}.html">{html_text(c.title or c.key)}</a></li>'
                        for c in charts)
        sections.append(_section("Charts that draw these figures", f"<ul>{items}</ul>", "charts"))
    files, cite_html = cite_files(words.indicator_page(indicator), list(meta.index))
    sections.append(_section("Cite these figures", cite_html, "cite"))
    return DataPage(f"book/{words.indicator_page(indicator)}", title, _page(title, words.indicator_page(indicator), lede, sections),
                    str(ind["description"]), files)


# --- chart pages --------------------------------------------------------------------------

def _csv_table(csv_text: str) -> str:
    """The chart's CSV as a table; its web addresses as links that wrap at their punctuation."""
    if not csv_text:
        return ""
    frame = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    links = []
    for c in frame.columns:
        if frame[c].str.match(r"https?://").any():
            frame[c] = [_link(v) for v in frame[c]]
            links.append(c)
    return tables.frame_table(frame, {c: c for c in frame.columns}, raw_html=tuple(links), wide=True)


def _link(url: str) -> str:
    try:
        return f'<a href="{escape.href(url)}">{escape.breakable_urls(url)}</a>'
    except ValueError:   # not a plain http(s) address: shown as text
        return html_text(url)


def _snippets(key: str) -> str:
    zip_path = f"{DOWNLOADS_DIR}/{key}.zip"
    py = (f'import io, json, urllib.request, zipfile\nimport pandas as pd\n\n'
          f'url = "{zip_path}"  # this page\'s address with {zip_path} in place of its name\n'
          f"with urllib.request.urlopen(url) as response:\n"
          f"    bundle = zipfile.ZipFile(io.BytesIO(response.read()))\n"
          f'data = pd.read_csv(bundle.open("{key}.csv"))\n'
          f'metadata = json.load(bundle.open("metadata.json"))\n')
    r = (f'url <- "{zip_path}"\nbundle <- tempfile(fileext = ".zip")\n'
         f'download.file(url, bundle, mode = "wb")\n'
         f'data <- read.csv(unz(bundle, "{key}.csv"))\n')
    return (f'<p><a href="{zip_path}" download="{key}.zip">Download the bundle (zip)</a>: the '
            f"data as CSV, <code>metadata.json</code> (its columns with types and descriptions, "
            f"sources, licence, edition and citation) and a README. "
            f'Or only the <a href="{DOWNLOADS_DIR}/{key}.csv" download="{key}.csv">CSV</a>.</p>'
            f"<p>In pandas:</p>{_pre(py, 'fraudbook-snippet fraudbook-snippet-python', 'Python code')}"
            f"<p>In R:</p>{_pre(r, 'fraudbook-snippet fraudbook-snippet-r', 'R code')}")


def _embed(chart: Chart, book: str) -> str:
    alt_text = chart.description or chart.title
    snippet = (f'<figure>\n  <img src="figures/{chart.key}.svg" alt="{html_text(alt_text)}" '
               f'style="max-width: 100%">\n  <figcaption>{html_text(chart.title)}. '
               f'From <a href="{words.chart_page(chart.key)}.html">{html_text(book)}</a>, CC BY 4.0.'
               f"</figcaption>\n</figure>\n")
    return ("<p>Paste this into a page to show the chart with its source line (the drawing "
            "carries the sources and the edition below it); the addresses are this site's, "
            "relative to this page: give them in full.</p>"
            + _pre(snippet, "fraudbook-snippet fraudbook-snippet-html", "HTML to embed the chart"))


def chart_page(ds: Dataset, chart: Chart, meta: pd.DataFrame, page_title: str, edition: str,
               book: str, cite_files) -> DataPage:
    """`meta`: every figure with its metadata (ds.figures_with_meta())."""
    title = chart.title or chart.key
    figs = [f for f in chart.figures if f in ds.figures.index]
    drawing = (f'<figure class="fraudbook-chart-page"><picture>'
               f'<source media="{html_text(_narrow_media())}" srcset="figures/{chart.key}-narrow.svg">'
               f'<img src="figures/{chart.key}-wide.svg" alt="{html_text(chart.description or title)}">'
               f"</picture><figcaption>{html_text(_sources_sentence(chart))} "
               f'<a href="figures/{chart.key}.svg" download="{chart.key}.svg">SVG</a> '
               f'<a href="figures/{chart.key}.png" download="{chart.key}.png">PNG</a></figcaption></figure>')
    lede = (f'<p class="fraudbook-lede">A chart of the page <a href="{chart.page.rsplit("/", 1)[-1]}.html">'
            f"{html_text(page_title)}</a>, with its data, sources and citation.</p>"
            + _updated_line(_last_updated(ds, figs), edition))
    sections = [drawing]
    if chart.description:
        sections.append(f'<details class="fraudbook-chart-words"><summary>The chart in words</summary>'
                        f"<p>{html_text(chart.description)}</p></details>")
    if figs:
        meta = meta.loc[figs]
        by_indicator = list(dict.fromkeys(meta["indicator"]))
        items = "".join(
            f'<li><a href="{words.indicator_href(i)}">{html_text(ds.indicators.loc[i, "title"])}</a>: '
            + "; ".join(f'<a href="{words.indicator_href(i, f)}">{words.keep_units(html_text(words.amount(r)))}</a> '
                        f"{html_text(words.period(r))}"
                        for f, r in meta[meta["indicator"] == i].iterrows()) + "</li>"
            for i in by_indicator)
        sections.append(_section("What it draws", f"<ul>{items}</ul><p>Each figure's page row holds "
                                 "its sources with the sentences that state it.</p>", "what-it-draws"))
    if chart.csv:
        sections.append(_section("Its data", _csv_table(chart.csv) + _snippets(chart.key), "data"))
    sections.append(_section("Embed it", _embed(chart, book), "embed"))
    files, cite_html = cite_files(words.chart_page(chart.key), figs)
    sections.append(_section("Cite it", cite_html, "cite"))
    return DataPage(f"book/{words.chart_page(chart.key)}", title, _page(title, words.chart_page(chart.key), lede, sections),
                    f"{title}: a chart of {page_title}, with its data, sources and citation.", files)


def _narrow_media() -> str:
    from ..kit.charts import NARROW_MEDIA

    return NARROW_MEDIA


def _sources_sentence(chart: Chart) -> str:
    if not chart.sources:
        return ""
    return ("Source: " if len(chart.sources) == 1 else "Sources: ") + "; ".join(chart.sources) + "."


# --- all of them ----------------------------------------------------------------------------

def pages(ds: Dataset, book_dir: Path, edition: str, book: str,
          page_titles: dict[str, str]) -> list[DataPage]:
    """Every indicator's page and every chart's page."""
    from ..kit import citations

    charts = chart_records(book_dir)
    meta = ds.figures_with_meta()
    # Every figure's rows and citation line, made once for all the pages that show them.
    rows = _figure_rows(ds, meta)
    accessed = when(citations.release_date(ds, edition)) or edition
    lines = {r["figure_id"]: words.cite_line(r, book, edition, accessed) for _, r in rows.iterrows()}

    items = citations.figure_items_by_id(ds, edition)
    book_item = citations.book_item(ds, edition)

    def cite_files(stem: str, figure_ids) -> tuple[dict[str, bytes], str]:
        """The page's figures cited as text, and as BibTeX, RIS and CSL-JSON files beside the
        page (the book itself last, for a reference to the whole)."""
        chosen = [items[f] for f in figure_ids if f in items] + [book_item]
        files = {f"{stem}.bib": citations.to_bibtex(chosen).encode("utf-8"),
                 f"{stem}.ris": citations.to_ris(chosen).encode("utf-8"),
                 f"{stem}.json": citations.to_csl_json(chosen).encode("utf-8")}
        links = " · ".join(f'<a href="{html_text(name)}" download="{html_text(name)}">{label}</a>'
                           for name, label in zip(files, ("BibTeX", "RIS", "CSL-JSON"), strict=True))
        text = "".join(f"<p>{escape.breakable_urls(lines[f])}</p>" for f in figure_ids if f in lines)
        return files, (text + f"<p>For a reference manager (Zotero, EndNote, pandoc): {links}.</p>")

    drawn_by: dict[str, list[Chart]] = {}
    for c in charts.values():
        for f in c.figures:
            if f in meta.index:
                drawn_by.setdefault(meta.loc[f, "indicator"], [])
                if c not in drawn_by[meta.loc[f, "indicator"]]:
                    drawn_by[meta.loc[f, "indicator"]].append(c)
    out = []
    for indicator in ds.indicators.index:
        figs = meta[meta["indicator"] == indicator]
        if len(figs):
            out.append(indicator_page(ds, indicator, figs, rows[rows["indicator"] == indicator],
                                      drawn_by.get(indicator, []), edition, cite_files))
    for c in charts.values():
        out.append(chart_page(ds, c, meta, page_titles.get(c.page, c.page), edition, book, cite_files))
    out.append(index_page(ds, meta, charts, page_titles, edition))
    return out


def index_page(ds: Dataset, meta: pd.DataFrame, charts: dict[str, Chart],
               page_titles: dict[str, str], edition: str) -> DataPage:
    """The list of every indicator's and every chart's page."""
    counts = meta["indicator"].value_counts()
    ind = pd.DataFrame([
        {"what": f'<a href="{words.indicator_href(i)}">{html_text(ds.indicators.loc[i, "title"])}</a>',
         "n": int(counts[i]), "updated": when(_last_updated(ds, meta.index[meta["indicator"] == i])) or ""}
        for i in ds.indicators.index if i in counts.index])
    ch = pd.DataFrame([
        {"what": f'<a href="{words.chart_page(c.key)}.html">{html_text(c.title or c.key)}</a>',
         "on": f'<a href="{c.page.rsplit("/", 1)[-1]}.html">{html_text(page_titles.get(c.page, c.page))}</a>'}
        for c in sorted(charts.values(), key=lambda c: (c.page, c.title))])
    sections = [_section("Indicators", tables.frame_table(
        ind, {"what": "What is counted", "n": "Figures", "updated": "Last updated"},
        numeric=("n",), raw_html=("what",), wide=True), "indicators")]
    if len(ch):
        sections.append(_section("Charts", tables.frame_table(
            ch, {"what": "Chart", "on": "Shown on"}, raw_html=("what", "on"), wide=True), "charts"))
    title = "Every indicator and chart"
    lede = ("<p class=\"fraudbook-lede\">Each thing the book counts and each chart it draws has a "
            "page of its own at an address that stays the same from edition to edition: the "
            "figures with their sources and the sentences that state them, the data to download "
            "and the citation.</p>" + _updated_line(_last_updated(ds, meta.index), edition))
    name = words.DATA_PAGES_INDEX[:-len(".html")]
    return DataPage(f"book/{name}", title, _page(title, name, lede, sections), title)
