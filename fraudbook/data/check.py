"""`python -m fraudbook.data.check [DIR]`: validate data/ and exit non-zero, listing every problem."""

from __future__ import annotations

import sys
from pathlib import Path

from ..paths import Layout
from . import columns
from .read import printable
from .rules import validate

# At most this many problems are printed (a broken file can hold thousands).
MAX_SHOWN = 300


def report(data_dir: Path, layout: Layout) -> int:
    """Validate `data_dir`, print every problem as `file, row, column: reason`, one line each
    (text from the data escaped, so it can neither add lines nor hide characters); 1 if any."""
    rows, problems = validate(data_dir)
    problems += columns.described(data_dir)[1]
    if problems:
        print(f"data check FAILED: {len(problems)} problem(s) in {layout.relative(data_dir)}/",
              file=sys.stderr)
        for p in problems[:MAX_SHOWN]:
            print(f"  - {printable(str(p), 600, backslash=False)}", file=sys.stderr)
        if len(problems) > MAX_SHOWN:
            print(f"  … and {len(problems) - MAX_SHOWN} more problem(s); fix the ones above first",
                  file=sys.stderr)
        return 1
    print("data check passed: " + ", ".join(f"{len(r)} {name}" for name, r in rows.items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    layout = Layout.from_env()
    return report(Path(argv[0]).resolve() if argv else layout.data, layout)


if __name__ == "__main__":
    sys.exit(main())
