"""`python -m fraudbook …`: the command line lives in fraudbook.pipeline.cli."""

import sys

from .pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main())
