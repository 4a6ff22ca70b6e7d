"""nbval silently ignores a malformed sanitizer rule: check every section yields one rule."""

import re
from pathlib import Path

from nbval.plugin import get_sanitize_patterns

CFG = Path(__file__).with_name("nbval_sanitize.cfg")


def test_every_section_is_one_loaded_rule():
    text = CFG.read_text(encoding="utf-8")
    sections = re.findall(r"^\[([\w-]+)\]$", text, flags=re.MULTILINE)
    rules = get_sanitize_patterns(text)  # nbval's own parser
    assert sections, "no rules in the sanitizer file"
    assert len(rules) == len(sections), f"{len(sections)} sections but nbval loads {len(rules)} rules"


def test_rules_compile_and_do_what_they_say():
    rules = [(re.compile(r), s) for r, s in get_sanitize_patterns(CFG.read_text(encoding="utf-8"))]

    def clean(text):
        for regex, replace in rules:
            text = regex.sub(replace, text)
        return text

    assert clean("<foo.Bar object at 0x7f3a2b>") == clean("<foo.Bar object at 0x1234ff>")
    assert clean('id="altair-viz-' + "a" * 32 + '"') == clean('id="altair-viz-' + "b" * 32 + '"')
    assert clean('<table id="T_1a2b3_">') == clean('<table id="T_ffff0_">')
    # A stable chart id of our own renderer is not sanitized away.
    assert clean('id="chart-0123456789ab"') == 'id="chart-0123456789ab"'
