"""The system programs and fonts the site step needs, checked before anything runs.

The PDF editions are printed by Debian's Chromium and draw Chinese with the Noto CJK font
(both from Debian: `scripts/system-deps.sh` installs them for `make book`). Where either is
missing, the build stops before any run executes, with one message naming what is missing
and the command that installs it: never a traceback from deep inside the PDF step.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import BuildError

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
