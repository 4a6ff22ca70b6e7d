"""The page helpers: strict sentences, the one figure block, downloads safe in a spreadsheet,
and a build that fails on a mistyped figure id with the previous site untouched."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from fraudbook.kit import page, qualifiers
from fraudbook.paths import Layout
from fraudbook.pipeline.steps import build

from .test_params import make_template


def frame(*ids):
    return pd.DataFrame({"figure_id": list(ids)}).set_index("figure_id")


def test_an_unknown_id_names_it_and_the_ids_nearby(monkeypatch):
    monkeypatch.delenv("FRAUDBOOK_NARROWED", raising=False)
    say = page.sentences(frame("CN-2022-CASES", "CN-2022-LEADERS"))
    with pytest.raises(page.FigureIdError) as err:
        say("k", "The ministry counted {cases}.", cases="CN-2022-CASE")
    message = str(err.value)
    assert "no figure 'CN-2022-CASE'" in message and "{cases}" in message
    assert "CN-2022-CASES" in message  # the ids nearby


def test_a_figure_filtered_away_fails_a_default_run_and_is_left_out_of_a_narrowed_one(monkeypatch):
    everything = frame("A-1", "B-2")
    selection = everything.loc[["A-1"]]
    monkeypatch.setenv("FRAUDBOOK_NARROWED", "0")
    with pytest.raises(page.FigureIdError, match="not in this page's selection"):
        page.sentences(selection, everything)("k", "{b}", b="B-2")
    monkeypatch.setenv("FRAUDBOOK_NARROWED", "1")
    glued = []
    monkeypatch.setattr(page, "glue_md", lambda key, md: glued.append((key, md)))
    assert page.sentences(selection, everything)("k", "{b}", b="B-2") == ""
    assert glued == [("k", "")]


def test_every_qualifier_has_one_reading_one_label_and_a_mark_per_axis():
    for q in qualifiers.READING:
        r = qualifiers.reading(q)
        if r == "words":
            continue
        assert qualifiers.label(q) == qualifiers.LABELS[r]
        assert qualifiers.shape(q, "y") and qualifiers.shape(q, "x")
    assert qualifiers.shape("nearly") == qualifiers.shape("up_to") == "triangle-down"
    assert qualifiers.shape("more_than", "x") == "triangle-right"
    assert qualifiers.shape("about", "x") == qualifiers.shape("about", "y") == "diamond"
    with pytest.raises(KeyError, match="unknown qualifier 'roughly'"):
        qualifiers.reading("roughly")


def test_downloads_neutralise_what_a_spreadsheet_would_run():
    df = pd.DataFrame({"title": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "plain"],
                       "value": [1.5, 2.0, -3.0, 4.0, 5.0]})
    out = page.csv_safe(df)
    assert list(out["title"]) == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "plain"]
    assert list(out["value"]) == [1.5, 2.0, -3.0, 4.0, 5.0]  # numbers stay numbers


def code(source):
    return {"cell_type": "code", "metadata": {"tags": []}, "source": source, "outputs": [],
            "execution_count": None}


def tree_hash(folder):
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


@pytest.mark.slow
def test_a_mistyped_figure_id_fails_the_build_naming_it_and_the_site_stays(good_data, capsys):
    root = good_data.parent
    (root / "notebooks").mkdir()
    (root / "book").mkdir()
    site = root / "_build" / "html"
    site.mkdir(parents=True)
    (site / "index.html").write_text("THE PREVIOUS SITE")
    (root / "book" / "say.ipynb").write_text("THE PREVIOUS PAGE")
    body = ("from fraudbook.kit import page\nds = page.setup()\n"
            "say = page.sentences(page.statements(ds.figures_with_meta()))\n"
            "say('k', 'Handed over: {a}.', a=FIGURE)")
    make_template(root / "notebooks" / "say.ipynb", 'FIGURE = "CN-MM-2023-11-CUN"\n',
                  extra_cells=[code(body)])
    (root / "runs.yml").write_text("runs:\n  - name: say\n    template: notebooks/say.ipynb\n"
                                   "    output: book/say.ipynb\n"
                                   "toc:\n  - caption: All\n    pages: [say]\n")
    before = tree_hash(root / "book"), tree_hash(site)
    assert build(layout=Layout(root), log=lambda *a: None) == 1
    err = capsys.readouterr().err
    assert "run 'say'" in err and "no figure 'CN-MM-2023-11-CUN'" in err
    assert "CN-MM-2023-11-CUM" in err  # the id nearby
    assert (tree_hash(root / "book"), tree_hash(site)) == before

    # The right id publishes the statement, with its amount from the data.
    (root / "runs.yml").write_text((root / "runs.yml").read_text().replace(
        "    output: book/say.ipynb\n",
        "    output: book/say.ipynb\n    parameters: {FIGURE: CN-MM-2023-11-CUM}\n"))
    assert build(site=False, layout=Layout(root), log=lambda *a: None) == 0
    nb = json.loads((root / "book" / "say.ipynb").read_text())
    glued = json.dumps(nb["cells"], ensure_ascii=False)
    assert "31,000\u00a0people" in glued  # a number and its unit on one line


@pytest.mark.slow
def test_a_build_of_another_tree_runs_its_kernels_on_that_trees_data(good_data, monkeypatch):
    # One Layout for the build and its kernels: the fixture tree holds 4 figures, the
    # repository hundreds; a kernel that read the repository's data would print another count.
    for var in ("FRAUDBOOK_ROOT", "FRAUDBOOK_DATA", "PYTHONPATH"):
        monkeypatch.delenv(var, raising=False)
    root = good_data.parent
    (root / "notebooks").mkdir()
    make_template(root / "notebooks" / "count.ipynb", "n = 1\n", extra_cells=[code(
        "from fraudbook.kit import page\nfrom fraudbook.paths import DATA\n"
        "print('figures:', len(page.setup().figures), DATA.name)")])
    (root / "runs.yml").write_text("runs:\n  - name: count\n    template: notebooks/count.ipynb\n"
                                   "    output: book/count.ipynb\n"
                                   "toc:\n  - caption: All\n    pages: [count]\n")
    assert build(site=False, layout=Layout(root), log=lambda *a: None) == 0
    nb = json.loads((root / "book" / "count.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "figures: 4 data" in printed


def test_a_table_too_wide_for_a_phone_becomes_labelled_blocks_and_a_narrow_one_does_not():
    long_text = "A figure's source sentence, long enough to wrap over several lines of a cell " * 2
    rows = [{"when": f"{i + 1} Jan 2024", "what": long_text, "n": f"{i * 1000:,} cases"} for i in range(3)]
    wide = page.table(pd.DataFrame(rows), {"when": "Date", "what": "What happened", "n": "Figure"},
                      numeric=("n",), caption="Events").data
    assert 'class="fraudbook-table fraudbook-stack fraudbook-sticky"' in wide
    # Each cell carries its column's name, shown above it when the row is a block on a phone.
    assert wide.count('data-label="What happened"') == 3
    # A number and its unit never part: a no-break space joins them.
    assert '<td class="num" data-label="Figure">2,000\u00a0cases</td>' in wide
    # Four columns or more may scroll sideways: the box is named and takes a keyboard stop.
    four = page.table(pd.DataFrame(rows).assign(x="a"), {"when": "Date", "what": "What", "n": "N", "x": "X"}).data
    assert four.startswith('<div class="fraudbook-scroll" role="region" tabindex="0" '
                           'aria-label="Table: Date, What, N, X">')
    narrow = page.table(pd.DataFrame({"y": ["2023", "2024"], "n": ["5", "6"]}), {"y": "Year", "n": "Cases"}).data
    assert "fraudbook-stack" not in narrow and "fraudbook-sticky" not in narrow
    assert narrow.startswith('<div class="fraudbook-scroll"><table')


def test_a_tables_width_counts_unbreakable_runs():
    from fraudbook.kit import tables, words

    # "USD 5.6 billion" is one run once its spaces are no-break; a folded <details> counts as
    # its summary; <wbr> and <br> are places to break.
    assert tables.runs(words.keep_units("more than USD 5.6 billion")) == ["more", "than", "USD\u00a05.6\u00a0billion"]
    assert tables.runs("<details><summary>Cite</summary><p>a very long hidden text</p></details>") == ["Cite"]
    assert tables.runs("www.<wbr>example.<wbr>org<br>x") == ["www.", "example.", "org", "x"]
    assert tables.comfortable_chars(["Year", "Cases"], [["2023"], ["464,000\u00a0cases"]]) == 4 + 2 + 13 + 2


def test_newest_follows_the_data_and_a_stale_claim_stops_the_page():
    figs = pd.DataFrame({"indicator": ["a", "a", "b"], "period": ["annual"] * 3,
                         "period_end": ["2023", "2024", "2025"], "date_published": ["", "", ""]},
                        index=["A-2023", "A-2024", "B-2025"])
    assert page.newest(figs, ["a"]) == "A-2024"
    page.claim_newest("k", "A-2024", figs, ["a"])
    newer = pd.concat([figs, pd.DataFrame({"indicator": ["a"], "period": ["annual"], "period_end": ["2025"],
                                           "date_published": [""]}, index=["A-2025"])])
    assert page.newest(newer, ["a"]) == "A-2025"
    with pytest.raises(page.FigureIdError, match=r"sentence 'k' describes figure A-2024 as the newest .*\(A-2025\)"):
        page.claim_newest("k", "A-2024", newer, ["a"])
