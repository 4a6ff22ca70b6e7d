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
BOOK = ROOT / "book"
MANIFEST = ROOT / "runs.yml"
# Fingerprint of the inputs of the last successful build, kept in the build folder.
LAST_BUILD = "last-build-inputs"


def build_dir(root: Path = ROOT) -> Path:
    """Where builds write: FRAUDBOOK_BUILD_DIR (several builds of one checkout can then run
    side by side), else _build/ in the repository."""
    return Path(os.environ.get("FRAUDBOOK_BUILD_DIR") or root / "_build")


def copy_tracked(dest: Path, root: Path = ROOT) -> Path:
    """Copy the files git tracks in `root` to `dest` (a clean checkout, without .git)."""
    import shutil
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (root / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, dest / name)
    return dest


def relative(path: Path | str) -> str:
    """`path` relative to the repository root, with forward slashes (for messages and outputs)."""
    p = Path(path).resolve()
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()
