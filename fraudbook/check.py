"""`python -m fraudbook.check`: validate data/ and exit non-zero, listing every problem."""

from __future__ import annotations

import sys

from .load import validate
from .paths import DATA, relative


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    data_dir = argv[0] if argv else DATA
    rows, problems = validate(data_dir)
    if problems:
        print(f"data check FAILED: {len(problems)} problem(s) in {relative(data_dir)}/", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{len(r)} {name}" for name, r in rows.items())
    print(f"data check passed: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
