"""The evidence chapters: disagreements side by side, the register, the bibliography."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pybtex.database import parse_string

from fraudbook.chapters import data_and_methods as dm
from fraudbook.chapters import disagreements as ev
from fraudbook.chapters import register as rg
from fraudbook.chapters import sources as so
from fraudbook.data import bibliography, claims
from fraudbook.data.load import load
from fraudbook.data.values import split_list
from fraudbook.kit import evidence, names, page, qualifiers, words


@pytest.fixture(scope="module")
def real():
    return load()


def _conflicts(rows):
    return pd.DataFrame(rows, columns=["conflict_id", "topic", "figure_ids", "differs",
                                       "explanation", "book_uses"]).set_index("conflict_id")


def _fig(fid, value=None, low=None, high=None, qualifier="exact", scale="", unit="money",
         currency="USD", used="Shown side by side"):
    nan = float("nan")
    return {"figure_id": fid, "value": nan if value is None else value,
            "low": nan if low is None else low, "high": nan if high is None else high,
            "qualifier": qualifier, "scale": scale, "unit": unit, "currency": currency,
            "amount": f"amount of {fid}", "period_text": "in 2023", "source_label": f"Source {fid}",
            "used": used}


# ------------------------------------------------------------------ choosing conflicts

def test_select_conflicts_orders_by_kind_then_file_and_filters():
    c = _conflicts([
        ("a", "A", "X;Y", "method", "", ""),
        ("b", "B", "X;Y", "number", "", "X"),
        ("c", "C", "X;Y", "scope", "", ""),
        ("d", "D", "X;Y", "number", "", ""),
    ])
    assert list(ev.select_conflicts(c).index) == ["b", "d", "c", "a"]
    assert list(ev.select_conflicts(c, show_all=False).index) == ["b"]
    assert list(ev.select_conflicts(c, differs=["scope", "method"]).index) == ["c", "a"]
    assert ev.select_conflicts(c, show_all=False, differs=["scope"]).empty


def test_figure_ids_split_and_strip():
    row = pd.Series({"figure_ids": " IC3-2020-L ; IC3-2020-L2;"})
    assert split_list(row["figure_ids"]) == ["IC3-2020-L", "IC3-2020-L2"]


def test_geography_names_marks_a_combined_figure():
    geo = pd.DataFrame({"name": ["Cambodia", "Laos", "Myanmar"]}, index=["KHM", "LAO", "MMR"])
    assert names.names("KHM", geo, " (one combined figure)") == "Cambodia"
    assert names.names("KHM;LAO;MMR", geo, " (one combined figure)") == "Cambodia, Laos and Myanmar (one combined figure)"


# ------------------------------------------------------------------ dot plots

def test_dot_data_puts_trillions_and_billions_on_one_scale_and_marks_floors():
    figs = pd.DataFrame([
        _fig("T", value=1.026, scale="trillion"),
        _fig("F", value=1.03, qualifier="more_than", scale="trillion"),
        _fig("B", value=442, qualifier="about", scale="billion"),
        _fig("C", value=40, qualifier="just_under", scale="billion"),
        _fig("R", low=18, high=37, qualifier="range", scale="billion"),
    ]).set_index("figure_id")
    d = ev.dot_data(figs).set_index("figure_id")
    assert d.loc["T", "x"] == pytest.approx(1026)
    assert d.loc["B", "x"] == pytest.approx(442)
    assert (d.loc["R", "x_low"], d.loc["R", "x_high"]) == (pytest.approx(18), pytest.approx(37))
    assert math.isnan(d.loc["R", "x"])
    # Readings and legend words come from the kit: "about" is its own reading (a diamond).
    assert d.loc["F", "reading"] == "floor" and d.loc["C", "reading"] == "ceiling"
    assert d.loc["B", "reading"] == "about" and d.loc["R", "reading"] == "range"
    assert d.loc["T", "reading"] == "point"
    assert d.loc["C", "reading_text"] == qualifiers.LABELS["ceiling"]
    # On this horizontal axis a floor points right (to higher values), a ceiling left.
    shape = ev.dot_chart(pd.Series({"topic": "t", "differs": "number"}), d.reset_index()
                         ).to_dict()["layer"][1]["encoding"]["shape"]["scale"]
    marks = dict(zip(shape["domain"], shape["range"], strict=False))
    assert marks == {qualifiers.LABELS["point"]: "circle", qualifiers.LABELS["about"]: "diamond",
                     qualifiers.LABELS["floor"]: "triangle-right",
                     qualifiers.LABELS["ceiling"]: "triangle-left"}
    assert set(d["axis_title"]) == {"USD, billions"}


def test_dot_data_refuses_mixed_units_currencies_and_lone_numbers():
    mixed = pd.DataFrame([_fig("A", value=5), _fig("B", value=6, unit="people", currency="")]).set_index("figure_id")
    assert ev.dot_data(mixed) is None
    fx = pd.DataFrame([_fig("A", value=5), _fig("B", value=6, currency="CNY")]).set_index("figure_id")
    assert ev.dot_data(fx) is None
    words = pd.DataFrame([_fig("A", value=5), _fig("B", qualifier="unquantified")]).set_index("figure_id")
    assert ev.dot_data(words) is None


def test_dot_chart_has_title_description_and_tooltips():
    figs = pd.DataFrame([_fig("A", value=4.1, qualifier="more_than", scale="billion"),
                         _fig("B", value=4.2, qualifier="more_than", scale="billion")]).set_index("figure_id")
    conflict = pd.Series({"topic": "Losses, 2020", "differs": "number"})
    spec = ev.dot_chart(conflict, ev.dot_data(figs)).to_dict()
    assert spec["title"]["text"] == "Losses, 2020"
    assert "amount of A" in spec["description"] and "amount of B" in spec["description"]
    titles = {t["title"] for layer in spec["layer"] for t in layer["encoding"]["tooltip"]}
    assert {"Figure as stated", "Period", "Source"} <= titles


def test_real_ic3_2024_conflict_marks_the_figure_the_book_uses(real):
    conflict = real.conflicts.loc["ic3-2024-total"]
    figs = ev.conflict_figures(real, conflict)
    # FBI press release: "reported losses exceeding $16 billion"; the report: "$16.6 billion".
    assert figs.loc["IC3-2024-L", "amount"] == "more than USD 16 billion"
    assert figs.loc["IC3-2024-L2", "amount"] == "USD 16.6 billion"
    assert figs.loc["IC3-2024-L2", "book_uses"] == "yes" and figs.loc["IC3-2024-L", "book_uses"] == ""
    body = ev.conflict_body_html(conflict, figs)
    assert 'href="register-earlier.html#figure-IC3-2024-L"' in body
    assert 'title="' in body  # the quote travels as the source link's tooltip


def test_real_myawaddy_conflict_draws_people_with_floors(real):
    figs = ev.conflict_figures(real, real.conflicts.loc["myawaddy-2025-counts"])
    d = ev.dot_data(figs).set_index("figure_id")
    assert set(d["axis_title"]) == {"People"}
    # Myanmar: "a total of 5,446 foreign nationals ... were identified and detained."
    assert d.loc["MM-2025-DETAINED", "x"] == 5446 and d.loc["MM-2025-DETAINED", "reading"] == "point"
    # MPS: "over 5,400 Chinese nationals ... have been repatriated in 2025" is a floor.
    assert d.loc["CN-MYW-2025-07", "x"] == 5400 and d.loc["CN-MYW-2025-07", "reading"] == "floor"


# ------------------------------------------------------------------ sections and labels

def test_section_markdown_labels_the_heading_and_places_the_glued_parts(monkeypatch):
    monkeypatch.setattr(page, "_glue", lambda name, obj: None)
    rows = pd.DataFrame([{"publisher": "FBI", "date_published": "2021-03-17", "a": "x"}])
    import altair as alt

    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point()
    block = page.figure_block("disagreements-ic3-2020-total", chart, caption="On one scale.",
                              sources=rows, data=rows, columns={"a": "A"})
    md = ev.section_markdown("ic3-2020-total", "FBI *IC3* losses", "disagreements", block)
    lines = md.splitlines()
    assert lines[0] == "(conflict-ic3-2020-total)="
    assert lines[1] == r"### FBI \*IC3\* losses"
    assert "```{glue} disagreements-ic3-2020-total-body" in md
    # The figure keeps its label, so {numref} links to it stay valid.
    assert "```{glue:figure} disagreements-ic3-2020-total\n" in md
    assert ":name: fig-disagreements-ic3-2020-total" in md
    assert "{glue:md}`disagreements-ic3-2020-total-sources`" in md
    assert "```{glue} disagreements-ic3-2020-total-data" in md
    assert "glue:figure" not in ev.section_markdown("x", "X", "disagreements", None)


def test_hidden_conflicts_keep_their_labels():
    hidden = _conflicts([("a", "A topic", "X;Y", "method", "", "")])
    md = ev.hidden_markdown(hidden, ["number"], True)
    assert "(conflict-a)=" in md and "### A topic" in md and "number" in md
    assert ev.hidden_markdown(hidden.iloc[0:0], ["number"], True) == ""


def test_every_real_conflict_gets_one_label(real):
    mds = [ev.section_markdown(cid, c["topic"], "disagreements")
           for cid, c in ev.select_conflicts(real.conflicts).iterrows()]
    labels = [line for md in mds for line in md.splitlines() if line.startswith("(conflict-")]
    assert sorted(labels) == sorted(f"(conflict-{c})=" for c in real.conflicts.index)


# ------------------------------------------------------------------ tables

def test_html_table_escapes_text_and_anchors_rows():
    df = pd.DataFrame({"id": ["A-1", "B-2"], "text": ["<script>x</script>", "R&D"],
                       "link": ['<a href="u">s</a>', ""]})
    out = page.html_table(df, {"id": "Id", "text": "Text", "link": "Link"}, raw_html=("link",),
                        row_id=lambda r: f"figure-{r['id']}")
    assert '<tr id="figure-A-1">' in out and '<tr id="figure-B-2">' in out
    assert "&lt;script&gt;" in out and "<script>" not in out and "R&amp;D" in out
    assert '<a href="u">s</a>' in out


def test_data_dictionary_counts_figures_per_indicator(good_data):
    ds = load(good_data)
    dd = dm.data_dictionary(ds).set_index("indicator")
    assert dd.loc["losses_region", "n_figures"] == 2
    assert dd.loc["handovers_myanmar_china", "n_figures"] == 1
    assert len(dd) == len(ds.indicators)


def test_source_counts_by_kind_and_confidence(good_data):
    counts = dm.source_counts(load(good_data))
    rows = {(r.kind, r.confidence): (r.sources, r.figures) for r in counts.itertuples()}
    # xinhua (wire, high) holds one figure; dw (newspaper, high) holds three.
    assert rows == {("wire", "high"): (1, 1), ("newspaper", "high"): (1, 3)}


def test_register_has_every_real_figure_and_links_conflicts(real):
    reg = rg.register(real).set_index("figure_id")
    assert set(reg.index) == set(real.figures.index)
    assert 'href="disagreements.html#conflict-ic3-2020-total"' in reg.loc["IC3-2020-L", "conflicts_html"]
    assert reg.loc["IC3-2019-C", "conflicts_html"] == ""


# ------------------------------------------------------------------ bibliography

def test_bib_escape_escapes_latex_specials():
    assert bibliography.bib_escape("R&D 50% $5 #1 a_b {x} ~ ^ \\") == (
        r"R\&D 50\% $5 \#1 a\_b \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}")
    assert bibliography.bib_escape("two\n  lines") == "two lines"


def test_bibtex_titles_render_as_published():
    from pybtex.richtext import Text

    for title in ("Exceed $1 Trillion", "R&D at 50% of #1 a_b"):
        assert Text.from_latex(bibliography.bib_escape(title)).render_as("text") == title


def test_bibtex_one_entry_per_source_sorted_and_parseable(good_data):
    ds = load(good_data)
    text = bibliography.bibtex(ds)
    assert text == bibliography.bibtex(ds)  # deterministic
    bib = parse_string(text, "bibtex")
    assert list(bib.entries) == sorted(ds.sources.index)
    x = bib.entries["xinhua-2023-11-21"]
    assert x.type == "misc"
    assert x.fields["title"] == "{31,000 suspects handed over}"  # braces keep its capitals
    assert x.fields["howpublished"] == "Xinhua" and x.fields["year"] == "2023"
    assert x.fields["month"] == "November"
    assert x.fields["url"] == "https://english.news.cn/example"
    assert x.fields["note"] == "wire, high confidence"
    assert "url" not in bib.entries["dw-2025-04-21"].fields


def test_bibtex_of_the_real_sources(real):
    bib = parse_string(bibliography.bibtex(real), "bibtex")
    assert len(bib.entries) == len(real.sources)
    # sources.csv: the Opiniguru page reproduces an Associated Press story.
    assert bib.entries["opiniguru-2025-04-22"].fields["note"] == (
        "republication, medium confidence; text of Associated Press")
    for key, entry in bib.entries.items():
        url = real.sources.loc[key, "url"]
        assert entry.fields.get("url", "") == url


# ------------------------------------------------------------------ register, sources, bodies

def _visible(html_text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", html_text))


def test_register_rows_show_a_label_a_link_and_every_citation_not_the_id(real):
    reg = rg.register(real, book="The Book", accessed="26 Nov 2026").set_index("figure_id")
    row = reg.loc["UNODC-01"]
    # The figure's name is the link to its own row.
    assert row["figure_html"].startswith('<a href="indicator-unodc-victim-losses-esea.html#figure-UNODC-01"><strong>')
    for col in ("figure_html", "source_cell", "cite_html"):
        assert "UNODC-01" not in _visible(row[col])
    title = real.figure("UNODC-01")["indicator_title"]
    assert " ".join(_visible(row["figure_html"]).split()).startswith(f"{title} : USD 18–37 billion")
    # Primary first, then each corroborating source, each with its mark and quote.
    cits = real.citations_of("UNODC-01")
    cells = row["citations_html"].split("<li>")[1:]
    assert len(cells) == len(cits)
    assert cells[0].startswith("<a href=")  # the primary, first (the column says so)
    assert cells[1].startswith("also reported by <a href=")
    assert ">copy of official text</span>" in cells[0] and ">secondary</span>" in cells[1]
    assert "<q " in cells[0]
    assert "<q " not in evidence.citations_html(real, "UNODC-01", show_quotes=False)
    # Disagreements are named by their topic, not their id.
    assert "UNODC estimate of yearly losses" in _visible(row["source_cell"])
    assert "unodc-regional-losses" not in _visible(row["source_cell"])


def test_register_cite_line_and_filter_values(real):
    reg = rg.register(real, book="The Book", accessed="26 Nov 2026").set_index("figure_id")
    row = reg.loc["IC3-2024-L2"]
    assert row["cite_text"].endswith("In: The Book, edition " + claims.edition()
                                     + ", accessed 26 Nov 2026.")
    assert '<span class="fraudbook-accessed">26 Nov 2026</span>' in row["cite_html"]
    assert row["f_country"] == "United States" and row["f_year"] == "2024"
    assert row["f_kind"] == words.kind_words(real.citations_of("IC3-2024-L2").iloc[0]["source_kind"])
    combined = reg[reg["geography"].str.contains(";")].iloc[0]
    assert combined["f_country"].count("|") == combined["geography"].count(";")


def test_filter_form_is_hidden_without_script_and_rows_carry_filter_values(real):
    reg = rg.register(real)
    form = rg.filter_form(reg, "fraudbook-register")
    # Shown from the first paint where script runs (nothing below it moves when the script
    # starts), hidden by the theme's <noscript> rule where it does not.
    assert form.startswith('<form class="fraudbook-register-filter pst-js-only" data-table="fraudbook-register">')
    assert f'<output aria-live="polite">{len(reg)} of {len(reg)} figures shown</output>' in form
    for col, _ in rg.FILTERS:
        assert f'data-filter="{col[2:]}"' in form
    assert ">Cambodia</option>" in form and ">2024</option>" in form
    out = page.html_table(reg, {"figure_html": "F"}, raw_html=("figure_html",),
                          row_id=lambda r: f"figure-{r['figure_id']}", row_attrs=rg.filter_values(reg))
    assert out.count('data-country="') == len(reg) == out.count("<tr id=")
    # A row carries each filter value as the code of its menu option, never the words.
    us = rg.filter_options(reg, "f_country").index("United States")
    assert f'<option value="{us}">United States</option>' in form
    assert f'<tr id="figure-IC3-2024-L2" data-country="{us}"' in out


def test_counts_add_up_from_the_data(real):
    n = claims.counts(real)
    assert n["figures"] == len(real.figures) and n["sources"] == len(real.sources)
    assert int(claims.primary_by_kind(real)["figures"].sum()) == n["figures"]
    use = claims.source_use(real)
    assert int(use["primary"].sum()) == n["figures"]
    assert int(use["corroborating"].sum()) == n["corroborating"]
    assert n["citations"] == n["figures"] + n["corroborating"]
    k = claims.primary_by_kind(real).set_index("kind")
    assert list(k.index) == [x for x in claims.schema.KINDS_OF_SOURCE if x in k.index]
    assert k.loc["reproduction", "strength"] == "copy of official text"


def test_figures_without_web_address_each_with_the_why(real):
    w = claims.without_url(real)
    meta = real.figures_with_meta()
    assert set(w["figure_id"]) == {f for f, u in meta["source_url"].items() if not isinstance(u, str) or not u}
    assert (w["note"].str.len() > 0).all()
    t = dm.without_url_table(real)
    assert list(t["figure_id"]) == list(w["figure_id"])
    assert all(f not in _visible(h) for f, h in zip(t["figure_id"], t["link_html"], strict=True))


def test_bodies_say_what_the_book_read(real):
    b = claims.bodies(real).set_index("body")
    # The UNODC's own pages were not reached: a verbatim copy of its report is the best read.
    assert b.loc["UNODC", "read"] == "verbatim copy"
    assert b.loc["FBI IC3", "read"] == "own text" and b.loc["FBI IC3", "figures_own_text"] > 0
    own = real.sources[real.sources["kind"].isin(claims.OWN_TEXT)]
    assert set(b.index[b["read"] == "own text"]) == set(own["body"])
    for body, r in b.iterrows():
        assert r["figures_own_text"] <= r["figures_primary"] + r["figures"]
        assert r["sources"] == int((real.sources["body"] == body).sum())
    t = dm.bodies_table(real).set_index("body")
    assert t.loc["UNODC", "read_text"] == "only a verbatim copy of its text"


def test_sources_table_counts_primary_and_corroborating_use(real):
    s = so.sources_table(real).set_index("source_id")
    assert s.loc["mailguard-2024-10", "corroborating"] >= 1
    prim = real.citations[(real.citations["role"] == "primary")
                          & real.citations["subject_id"].isin(real.figures.index)]
    assert s["primary"].to_dict() == {sid: int((prim["source_id"] == sid).sum()) for sid in s.index}
    assert ">secondary</span>" in s.loc["mailguard-2024-10", "kind_cell"]
    # A note that names another source by its id reaches readers with the source's name.
    assert "qwitaly-2022-04-14-cns" not in s.loc["seed-2023-09-22-joint-operation", "source_cell"]


def test_data_dictionary_shows_titles_not_ids(real):
    dd = dm.data_dictionary(real)
    for ind, html_cell, cav in zip(dd["indicator"], dd["indicator_html"], dd["caveats_html"], strict=True):
        assert ind not in _visible(html_cell)
        assert not any(other in cav.split() for other in real.indicators.index)


def test_disagreement_tables_link_to_the_register_without_showing_ids(real):
    conflict = real.conflicts.loc["ic3-2024-total"]
    figs = ev.conflict_figures(real, conflict)
    body = ev.conflict_body_html(conflict, figs)
    assert "IC3-2024-L" not in _visible(body)
    assert ev.book_uses_text(conflict, figs).count('href="register-earlier.html#figure-IC3-2024-L2"') == 1


def test_register_links_each_corrected_figure_to_its_change_entry(real):
    reg = rg.register(real).set_index("figure_id")
    ch = real.changes
    for kind in ("corrected", "re-sourced"):
        rows = ch[(ch["kind"] == kind) & ch["subject_id"].isin(reg.index)]
        assert not rows.empty
        for cid, c in rows.iterrows():
            cell = reg.loc[c["subject_id"], "source_cell"]
            assert f'href="changes.html#change-{cid}"' in cell
            assert kind.capitalize() in _visible(cell) and cid not in _visible(cell)
    added = ch[ch["kind"] == "added"]
    for cid in added.index:
        assert f"#change-{cid}\"" not in "".join(reg["source_cell"])


def test_sources_order_by_the_parameter(real):
    by_date = so.sources_table(real, sort_by="date")
    assert list(by_date["date_published"].fillna("")) == sorted(by_date["date_published"].fillna(""), reverse=True)
    by_figures = so.sources_table(real, sort_by="figures")
    assert list(by_figures["primary"]) == sorted(by_figures["primary"], reverse=True)
    with pytest.raises(ValueError, match="sort_by"):
        so.sources_table(real, sort_by="colour")


def test_register_parts_hold_every_figure_once_and_links_find_its_row(real):
    from fraudbook.kit import words

    meta = real.figures_with_meta()
    parts = {p: set(rg.in_part(meta, p).index) for p in rg.PARTS}
    assert sum(len(v) for v in parts.values()) == len(meta) and set().union(*parts.values()) == set(meta.index)
    assert all(parts.values())
    for fid, r in meta.iterrows():
        page_, anchor = words.register_href(fid, r["period_end"]).split("#")
        part = [p for p, (pg, _) in words.REGISTER_PARTS.items() if pg == page_][0]
        assert fid in parts[part] and anchor == f"figure-{fid}"
    with pytest.raises(ValueError, match="part"):
        rg.in_part(meta, "middle")
    # Only the newest part sends a link to a missing row on (no loop between parts).
    reg = rg.register(real, rg.in_part(meta, "earlier"))
    assert 'data-other=""' in rg.register_html(reg, "earlier")
    assert 'data-other="register-earlier.html"' in rg.register_html(reg, "recent")
