"""The system programs and fonts the site step needs, checked before anything runs.

The PDF editions are printed by Debian's Chromium and draw Chinese with the Noto CJK font
(both from Debian: `scripts/system-deps.sh` installs them for `make book`). Where either is
missing, the build stops before any run executes, with one message naming what is missing
and the command that installs it: never a traceback from deep inside the PDF step.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BuildError

if TYPE_CHECKING:
    from ..paths import Layout

# What a whole build writes at most, with room to spare (staging, the site, two PDFs,
# Sphinx's cache): measured about 150 MB on the 2026.12 edition.
MIN_FREE_BYTES = 300 * 1024 * 1024

CHROMIUM_ENV = "FRAUDBOOK_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The CJK font the site's and the PDFs' font stacks name ("Noto Sans CJK SC"), as Debian's
# fonts-noto-cjk places it; FRAUDBOOK_CJK_FONT points elsewhere (another distribution).
CJK_FONT_ENV = "FRAUDBOOK_CJK_FONT"
DEFAULT_CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def chromium() -> str:
    """The Chromium the build prints with (FRAUDBOOK_CHROMIUM, else Debian's)."""
    return os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM


def require_site_programs() -> None:
    """BuildError naming every missing program or font the site step needs, with its fix."""
    missing, packages = [], []
    browser = Path(chromium())
    if not (browser.is_file() and os.access(browser, os.X_OK)):
        missing.append(f"Chromium at {browser}")
        packages.append("chromium")
    font = Path(os.environ.get(CJK_FONT_ENV) or DEFAULT_CJK_FONT)
    if not font.is_file():
        missing.append(f"the Chinese font at {font}")
        packages.append("fonts-noto-cjk")
    if missing:
        raise BuildError(
            f"the site and its PDF editions need {' and '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} missing; nothing was executed or built. "
            f"Install with `sudo apt-get install -y {' '.join(packages)}` (or run `make book` "
            f"as root), or point {CHROMIUM_ENV} / {CJK_FONT_ENV} at them")


def _existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def require_space(layout: Layout, need: int = MIN_FREE_BYTES) -> None:
    """BuildError before anything runs when the disk holding the build folder is nearly full."""
    free = shutil.disk_usage(_existing(layout.build)).free
    if free < need:
        raise BuildError(f"only {free // 2**20} MB free on the disk holding "
                         f"{layout.relative(layout.build)}; a build needs about {need // 2**20} MB. "
                         "Free some space, or set FRAUDBOOK_BUILD_DIR to a folder on a disk with "
                         "room; nothing was executed or built")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def disk_full(exc: OSError, layout: Layout) -> BuildError:
    """The message for a disk that filled up during a build, after its staging is removed."""
    for folder in (layout.staging, layout.site_work):
        shutil.rmtree(folder, ignore_errors=True)
    where = layout.relative(exc.filename) if exc.filename else layout.relative(layout.build)
    return BuildError(f"the disk filled up while writing {where}: free some space (or set "
                      "FRAUDBOOK_BUILD_DIR to a folder on a disk with room) and build again; "
                      "the build's staging folders were removed")
