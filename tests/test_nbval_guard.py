"""nbval is the guard against stale outputs: a tampered copy of a published page must fail it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fraudbook.paths import BOOK, ROOT

# Builds, executes notebooks or renders the site: left out of `make test-fast`.
pytestmark = pytest.mark.slow

SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")
# How MyST-NB stores a glued Markdown value in the notebook (compared like any output).
GLUED_MD = "application/papermill.record/text/markdown"


def _nbval(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE), str(path)],
        cwd=path.parent, capture_output=True, text=True)


def _first_glued_markdown(nb: dict) -> tuple[dict, str]:
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get(GLUED_MD)
            if text:
                return out, "".join(text)
    raise AssertionError("no glued Markdown output in the landing page")


def test_edited_output_fails_nbval(tmp_path):
    page = BOOK / "index.ipynb"
    nb = json.loads(page.read_text(encoding="utf-8"))
    copy = tmp_path / "index.ipynb"
    copy.write_text(json.dumps(nb), encoding="utf-8")
    assert _nbval(copy).returncode == 0, "the committed page does not match a fresh run"

    out, text = _first_glued_markdown(nb)
    # One digit of the first glued number changed, as a hand edit of a figure would.
    i = next(i for i, c in enumerate(text) if c.isdigit())
    edited = text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1:]
    out["data"][GLUED_MD] = edited
    copy.write_text(json.dumps(nb), encoding="utf-8")
    result = _nbval(copy)
    assert result.returncode != 0, "nbval accepted an edited output"
    assert edited[max(0, i - 3):i + 3] in result.stdout


def test_published_pages_hold_no_machine_paths():
    for page in BOOK.rglob("*.ipynb"):
        text = page.read_text(encoding="utf-8")
        assert str(ROOT) not in text, f"{page.name} contains the path {ROOT}"
        assert '"output_type": "error"' not in text, f"{page.name} has an error output"
