"""Sphinx extension for the book's pages (listed in _config.yml under sphinx.extra_extensions).

- Drops sphinx-thebe's scripts: Jupyter Book 1 always loads that extension, which declares
  `const THEBE_JS_URL` twice on every page (a page error) and names a CDN; the book has no
  live code, so neither is wanted.
- Gives every page a `<meta name="description">` from its own first paragraph.
- Light pages: every script deferred (none blocks the first paint), the chart script only on
  pages with a chart (it loads Vega itself, on demand), extensions' files only where used,
  the print stylesheet as media="print", and a link to the PDF edition on every page.
- Sets the theme's default colour mode ("auto"), whose absence is a console error.
- The header: the book's title in the bar above the article, where a phone sees it (the
  theme shows it only in the sidebar, which a phone hides); one search control on a wide
  screen (the sidebar's field), not the theme's second one in the top bar.
- Writes the data's last-updated date in the footer: the date of the last commit that touched
  data/ (or, outside a git checkout, the newest source's publication date), with links to cite
  the book and download the data.
- On every page that shows figures, writes above the footer the publication date of the
  newest source those figures cite (from the figures the executed notebook recorded).
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from ..data.claims import book_title
from ..kit.escape import plain_text
from ..paths import DATA, ROOT

DESCRIPTION_CHARS = 200


def data_last_updated() -> str:
    """ISO date of the last change to data/, from git; else the newest source date."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "data"], cwd=ROOT,
                             capture_output=True, text=True, timeout=20)
        if out.returncode == 0 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", out.stdout.strip()):
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    from ..data.load import load

    return max(d for d in load(DATA).sources["date_published"] if d)


# The book's templates (the title in the article's bar) and that bar's items: the theme's
# sidebar toggle, then the title.
TEMPLATES = Path(__file__).parent / "templates"
ARTICLE_HEADER_START = ("toggle-primary-sidebar.html", "fraudbook-title.html")


# Replaced per page by the relative address of the "Download the data" page (_footer_links).
DOWNLOADS_HREF = "@@fraudbook-downloads@@"
DOWNLOADS_DOC = "book/downloads"


def _config_inited(app, config) -> None:
    from ..data.claims import edition, links_sentence
    from ..data.freshness import searched_to
    from ..data.load import load
    from ..kit.dates import when as in_words

    when = data_last_updated()
    ds, ed = load(DATA), edition(ROOT)
    # How far the sources were searched for this edition (data/searches.csv, once per edition).
    day = searched_to(ds, ed)
    searched = (f'Sources searched up to <time datetime="{day}">{html.escape(in_words(day))}</time>. '
                if day else "")
    # Every claim the footer makes is computed from the data (fraudbook.data.claims).
    footer = (f'<p class="fraudbook-footer">Edition {html.escape(ed)}. Data last updated: '
              f'<time datetime="{when}">{when}</time>. {searched}{html.escape(links_sentence(ds))} '
              f'<a href="{DOWNLOADS_HREF}#cite-this-book">Cite</a> · '
              f'<a href="{DOWNLOADS_HREF}">Download the data</a></p>')
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer
    # The top bar's search field repeats the sidebar's on a wide screen; a narrow one has the
    # article bar's search button (and Ctrl+K opens the same dialog everywhere).
    options.setdefault("navbar_persistent", [])
    options.setdefault("article_header_start", list(ARTICLE_HEADER_START))
    config.html_theme_options = options
    config.templates_path = [*config.templates_path, str(TEMPLATES)]


def _first_paragraph(body: str) -> str:
    for para in re.findall(r"<p>(.*?)</p>", body, flags=re.S):
        text = plain_text(para)
        if len(text) > 40:
            if len(text) > DESCRIPTION_CHARS:
                text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
            return text
    return ""


def pdf_name(edition: str, part: str = "") -> str:
    """A PDF's file name at the site's root (fraudbook.pipeline.pdf writes it): the reading
    edition (`part` ""), or the reference edition (`part` "reference")."""
    from ..data.package import pdf_file

    return pdf_file(edition, part)


# Scripts the first paint needs, kept as the theme writes them: documentation_options.js
# defines DOCUMENTATION_OPTIONS, which inline scripts after it extend at once.
BLOCKING_OK = ("documentation_options.js",)
CHARTS_JS = "fraudbook-charts.js"
VEGA_JS = "vendor/vega-bundle.js"
THEME_LOADER = "fraudbook-theme.js"  # placed by fraudbook.pipeline.lighten, never by Sphinx


# Extensions' files a page needs only when it holds what they style or drive: code blocks
# (copy button, syntax colours), sphinx-design elements, toggles.
ONLY_WITH = {
    "clipboard.min.js": ('class="highlight',), "copybutton.js": ('class="highlight',),
    "copybutton.css": ('class="highlight',), "pygments.css": ('class="highlight',),
    "sphinx-design.min.css": ('class="sd-', ' sd-'), "design-tabs.js": ('class="sd-', ' sd-'),
    "togglebutton.js": ('class="toggle', "dropdown"), "togglebutton.css": ('class="toggle', "dropdown"),
    # The register's filter menus and citation copy buttons: only on the register's pages.
    "fraudbook-register.js": ('class="fraudbook-register-filter',),
}


def _unused(name: str, body: str | None) -> bool:
    base = name.rsplit("/", 1)[-1]
    marks = ONLY_WITH.get(base)
    return body is not None and marks is not None and not any(m in body for m in marks)


def _body_of(pagename: str, context) -> str | None:
    """The page's body, to see what it uses; None (keep everything) on the search page."""
    return None if pagename == "search" else context.get("body", "")


def _light_scripts(app, scripts, has_chart: bool, body: str | None = None):
    """Every script file deferred (none blocks the first paint); the chart script only on a
    page with a chart (it loads Vega itself, on demand); extensions' scripts only where used."""
    from sphinx.builders.html._assets import _JavaScript

    out = []
    for s in scripts:
        name = str(getattr(s, "filename", s) or "")
        attrs = dict(getattr(s, "attributes", {}) or {})
        if name.endswith(CHARTS_JS) or name.endswith(VEGA_JS) or _unused(name, body):
            continue  # the chart script is added below where needed; it loads Vega itself
        if name.endswith(THEME_LOADER):
            continue  # placed by the build where the theme's scripts were (lighten)
        # The search page keeps its scripts in order: searchtools.js, which the theme's
        # template loads at once, calls doctools.js as it loads.
        if body is not None and name and not attrs.get("body") and not name.endswith(BLOCKING_OK) \
                and "async" not in attrs and not name.startswith(("http:", "https:")):
            attrs["defer"] = "defer"
            s = _JavaScript(name, priority=getattr(s, "priority", 500), **attrs)
        out.append(s)
    if has_chart:
        out.append(_JavaScript("_static/" + CHARTS_JS, priority=900, defer="defer"))
    return out


def _light_css(css_files, body: str | None = None):
    """The print stylesheet with media="print": it never blocks the first paint on screen;
    extensions' stylesheets only where used."""
    from sphinx.builders.html._assets import _CascadingStyleSheet

    out = []
    for c in css_files:
        name = str(getattr(c, "filename", c) or "")
        if _unused(name, body):
            continue
        if name.endswith("fraudbook-print.css"):
            attrs = {k: v for k, v in (getattr(c, "attributes", {}) or {}).items() if k != "media"}
            c = _CascadingStyleSheet(name, priority=getattr(c, "priority", 500), media="print", **attrs)
        elif name.endswith("sphinx-thebe.css"):
            continue  # the book has no live code (see above)
        out.append(c)
    return out


def _page_context(app, pagename, templatename, context, doctree) -> None:
    # Left empty, the theme logs "Got invalid theme mode" on every page: follow the reader's
    # system setting instead.
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    # The theme puts these in the page as plain text of a heading (astext()), unescaped: a
    # heading written from the data (a country's name) must stay text there too.
    for key in ("pagetitle", "root_title"):
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key])
    scripts = context.get("script_files", [])
    context["script_files"] = _light_scripts(app, [
        s for s in scripts
        if "thebe" not in str(getattr(s, "filename", s) or "")
        and "THEBE_JS_URL" not in str(getattr(s, "attributes", {}).get("body", ""))
    ], 'class="fraudbook-chart"' in context.get("body", ""), _body_of(pagename, context))
    context["css_files"] = _light_css(context.get("css_files", []), _body_of(pagename, context))
    # The two PDFs, linked from every page (fraudbook.pipeline.pdf writes them beside the site).
    if "pathto" in context and context.get("body"):
        from ..data.claims import edition
        from ..data.package import PDF_TITLES

        ed = edition(ROOT)
        links = " · ".join(
            f'<a href="{html.escape(context["pathto"](pdf_name(ed, part), 1), quote=True)}">'
            f"{html.escape(text)}</a>" for part, text in PDF_TITLES.items())
        context["body"] += (f'<p class="fraudbook-pdf-link">Edition {html.escape(ed)}: '
                            f"{links}</p>")
    description = _first_paragraph(context.get("body", "")) or book_title(ROOT)
    tag = f'<meta name="description" content="{html.escape(description, quote=True)}" />\n'
    if "pathto" in context:
        # The feed of editions and corrections (fraudbook.kit.feed), for feed readers.
        tag += (f'<link rel="alternate" type="application/atom+xml" title="{html.escape(FEED_TITLE)}" '
                f'href="{html.escape(context["pathto"](FEED_FILE, 1), quote=True)}" />\n')
    if pagename in DATASET_PAGES:
        tag += _dataset_description() + "\n"
    context["metatags"] = context.get("metatags", "") + tag


FEED_FILE = "feed.atom"
FEED_TITLE = "Editions and corrections"
# The pages that describe the data set for dataset search engines (schema.org Dataset).
DATASET_PAGES = ("book/downloads", "book/data-and-methods")


def _dataset_description() -> str:
    from ..data.claims import edition
    from ..data.load import load
    from ..data.package import release_files
    from ..kit.jsonld import dataset_jsonld, jsonld_script

    ed = edition(ROOT)
    # Both pages are in book/: the downloads' addresses are written from the site's root.
    return jsonld_script(dataset_jsonld(load(DATA), ed, release_files(ed), to_root="../"))


_SOURCE_DATES: dict[str, dict[str, list[str]]] = {}


def newest_source_date(figure_ids, data_dir=DATA) -> str | None:
    """The newest publication date of the sources that state these figures or events (every
    citation, primary or corroborating), or of a source listed itself (`source:<id>`, as
    page_figures gives it); None when none of them is dated."""
    from ..data.load import load
    from ..data.values import date_bounds

    key = str(data_dir)
    if key not in _SOURCE_DATES:
        ds = load(data_dir)
        dated = ds.sources["date_published"]
        by_subject: dict[str, list[str]] = {}
        for _, c in ds.citations.iterrows():
            d = dated.get(c["source_id"])
            if isinstance(d, str) and d.strip():
                by_subject.setdefault(c["subject_id"], []).append(d.strip())
        for sid, d in dated.items():
            if isinstance(d, str) and d.strip():
                by_subject[f"source:{sid}"] = [d.strip()]
        _SOURCE_DATES.clear()
        _SOURCE_DATES[key] = by_subject
    dates = [d for fid in figure_ids for d in _SOURCE_DATES[key].get(str(fid), [])]
    return max(dates, key=lambda d: (date_bounds(d)[0], len(d))) if dates else None


def page_figures(app, pagename: str) -> list[str]:
    """The figures and events an executed notebook page recorded showing
    (metadata.fraudbook.reads)."""
    import json

    if pagename not in app.env.all_docs:
        return []
    path = app.env.doc2path(pagename)
    if not str(path).endswith(".ipynb"):
        return []
    try:
        meta = json.loads(open(path, encoding="utf-8").read())["metadata"]
        reads = meta["fraudbook"]["reads"]
        shown = [*reads.get("figures", []), *reads.get("events", []),
                 *(f"source:{s}" for s in reads.get("sources", []))]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    return [str(f) for f in shown]


def _footer_links(app, pagename, templatename, context, doctree) -> None:
    """Per page: the footer's links to the "Download the data" page, relative to this page,
    and for a page that shows figures, the date of the newest source it uses."""
    from ..kit.dates import when

    footer = context.get("theme_extra_footer")
    if not isinstance(footer, str) or DOWNLOADS_HREF not in footer:
        return
    pathto = context.get("pathto")
    href = pathto(DOWNLOADS_DOC) if callable(pathto) else "downloads.html"
    if href.startswith("#"):  # Sphinx's link from the page to itself: keep the file name
        href = DOWNLOADS_DOC.rsplit("/", 1)[-1] + ".html"
    footer = footer.replace(DOWNLOADS_HREF, html.escape(href, quote=True))
    newest = newest_source_date(page_figures(app, pagename))
    if newest:
        footer = (f'<p class="fraudbook-newest-source">Newest source on this page: '
                  f'<time datetime="{html.escape(newest)}">{html.escape(when(newest))}</time>.</p>'
                  + footer)
    context["theme_extra_footer"] = footer


DATA_PAGES_RECORD = ".fraudbook-data-pages.json"
# A prose page Sphinx re-reads on every build: with nothing else to re-read it would stop
# before writing the extensions' pages, and the data pages follow data/, not the documents.
ALWAYS_READ = "book/about"


def _always_read(app, env, added, changed, removed):
    return [ALWAYS_READ] if ALWAYS_READ in env.found_docs else []


def _shell_digest(app) -> str:
    """What every page's frame depends on besides its body: the contents, the configuration,
    the static files (their checksums are in every page's links)."""
    import hashlib

    h = hashlib.sha256()
    for name in ("_toc.yml", "_config.yml"):
        path = ROOT / name
        h.update(path.read_bytes() if path.exists() else b"")
    for static in sorted((ROOT / "_static").rglob("*")):
        if static.is_file():
            h.update(static.relative_to(ROOT).as_posix().encode() + static.read_bytes())
    return h.hexdigest()


def _data_pages(app):
    """The page of every indicator and chart (fraudbook.pipeline.datapages), rendered in the
    theme's page template like any chapter. A page whose body and frame are as last written
    is not written again (its file from the last build stays)."""
    import json

    from ..data.claims import edition
    from ..data.load import load
    from .datapages import pages

    out = Path(app.outdir)
    record_path = out / DATA_PAGES_RECORD
    try:
        before = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    shell = _shell_digest(app)
    titles = {doc: t.astext() for doc, t in app.env.titles.items()}
    now = {}
    # The book's title as every citation gives it (Jupyter Book leaves Sphinx's `project` unset).
    for p in pages(load(DATA), ROOT / "book", edition(ROOT), book_title(ROOT), titles):
        now[p.name] = digest = f"{shell}:{p.digest}"
        for name, data in p.files.items():
            target = out / Path(p.name).parent / name
            if not target.exists() or target.read_bytes() != data:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        if before.get(p.name) == digest and (out / f"{p.name}.html").exists():
            continue
        yield p.name, {"title": html.escape(p.title), "body": p.body}, "page.html"
    for gone in set(before) - set(now):
        (out / f"{gone}.html").unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    record_path.write_text(json.dumps(now, sort_keys=True), encoding="utf-8")


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-collect-pages", _data_pages)
    app.connect("env-get-outdated", _always_read)
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("html-page-context", _footer_links, priority=910)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
