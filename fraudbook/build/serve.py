"""Serve a built site on 127.0.0.1 (tests, the site report and `make serve` use this)."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from contextlib import contextmanager
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serving(directory: Path, port: int = 0, quiet: bool = True):
    """Yield the base URL of `directory` served on 127.0.0.1 (port 0: any free port)."""
    handler_class = _QuietHandler if quiet else http.server.SimpleHTTPRequestHandler
    handler = functools.partial(handler_class, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def main(argv: list[str] | None = None) -> int:
    """`python -m fraudbook.serve DIR PORT`: serve until interrupted."""
    argv = sys.argv[1:] if argv is None else argv
    directory, port = Path(argv[0]), int(argv[1]) if len(argv) > 1 else 8000
    with serving(directory, port, quiet=False) as url:
        print(f"serving {directory} at {url}/ (Ctrl-C to stop)")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
