"""NAME.gz beside each text asset of the site, for a static host that serves them
(gzip_static); byte-stable (no timestamp in the header)."""

from __future__ import annotations

import gzip
from pathlib import Path

TEXT_TYPES = (".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".map", ".bib", ".atom",
              ".ris")


def precompress(html_dir: Path) -> int:
    """NAME.gz beside every text asset of the site (level 9, no timestamp); returns the count."""
    n = 0
    for path in html_dir.rglob("*"):
        if not path.is_file() or path.suffix not in TEXT_TYPES:
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        gz = path.with_name(path.name + ".gz")
        if len(packed) >= len(data):
            gz.unlink(missing_ok=True)
            continue
        if not gz.exists() or gz.read_bytes() != packed:
            gz.write_bytes(packed)
        n += 1
    return n
