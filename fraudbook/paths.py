"""Where things are, resolved from the repository root.

papermill, nbval and Sphinx each run notebooks from a different working directory, so
nothing here depends on the current directory: the root is the folder that holds
`_config.yml` and the `fraudbook` package, found from this file's own location.
Published notebooks must never contain absolute machine paths, so `relative()` is used
for anything that is written into an output.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# FRAUDBOOK_DATA points the loader at another copy of the data (tests use it to feed the
# notebooks deliberately hostile data); the default is the repository's data/.
DATA = Path(os.environ.get("FRAUDBOOK_DATA") or ROOT / "data")
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"
BUILD = ROOT / "_build"
MANIFEST = ROOT / "runs.yml"


def relative(path: Path | str) -> str:
    """`path` relative to the repository root, with forward slashes (for messages and outputs)."""
    p = Path(path).resolve()
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()
