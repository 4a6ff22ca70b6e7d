"""`python -m fraudbook …`: the command line lives in fraudbook.build.cli."""

import sys

from .build.cli import main

if __name__ == "__main__":
    sys.exit(main())
