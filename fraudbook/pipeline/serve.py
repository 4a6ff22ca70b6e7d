"""Serve a built site on 127.0.0.1 (tests, the site report and `make serve` use this).

Only the site's pages and assets are served: never a directory listing (a folder without
index.html is 404), never a file or folder whose name starts with '.' (.git, .env, the build's
.lock), never anything a symbolic link leads to outside the site.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import posixpath
import sys
import threading
import urllib.parse
from contextlib import contextmanager
from pathlib import Path


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler limited to the site: no listings, no dotfiles, no escapes."""

    quiet = False

    def log_message(self, *args):
        if not self.quiet:
            super().log_message(*args)

    def list_directory(self, path):
        self.send_error(404, "File not found")
        return None

    def _allowed(self) -> bool:
        raw = urllib.parse.urlsplit(self.path).path
        try:
            path = urllib.parse.unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return False
        if "\x00" in path or "\\" in path:
            return False
        parts = [p for p in posixpath.normpath(path).split("/") if p]
        if any(p.startswith(".") for p in parts) or any(p.startswith(".") for p in path.split("/")):
            return False
        root = os.path.realpath(self.directory)
        target = os.path.realpath(self.translate_path(self.path))
        return target == root or target.startswith(root + os.sep)

    def send_head(self):
        if not self._allowed():
            self.send_error(404, "File not found")
            return None
        return super().send_head()


# What a static host would send compressed (the build writes NAME.gz beside each of these).
GZIP_TYPES = (".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".map")


class GzipSiteHandler(SiteHandler):
    """SiteHandler that answers `Accept-Encoding: gzip` as a static host would: with the
    build's precompressed NAME.gz when it exists, else compressed on the fly (for a site
    built before precompression, so that both are measured alike)."""

    def send_head(self):
        if not self._allowed():
            self.send_error(404, "File not found")
            return None
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        accepts = "gzip" in (self.headers.get("Accept-Encoding") or "")
        if not accepts or not path.endswith(GZIP_TYPES) or not os.path.isfile(path):
            return super().send_head()
        pre = path + ".gz"
        if os.path.isfile(pre) and os.path.getmtime(pre) >= os.path.getmtime(path):
            body = Path(pre).read_bytes()
        else:
            body = gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _QuietHandler(SiteHandler):
    quiet = True


class _QuietGzipHandler(GzipSiteHandler):
    quiet = True


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that drops a download it no longer needs (Lighthouse does, between its
        # runs) is no fault of the site: no traceback for it. Anything else is reported.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


@contextmanager
def serving(directory: Path, port: int = 0, quiet: bool = True, gzip: bool = False):
    """Yield the base URL of `directory` served on 127.0.0.1 (port 0: any free port); with
    gzip=True, compressed as a static host would serve it (GzipSiteHandler)."""
    if gzip:
        handler_class = _QuietGzipHandler if quiet else GzipSiteHandler
    else:
        handler_class = _QuietHandler if quiet else SiteHandler
    handler = functools.partial(handler_class, directory=str(directory))
    httpd = _Server(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def main(argv: list[str] | None = None) -> int:
    """`python -m fraudbook.pipeline.serve DIR PORT`: serve until interrupted."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or len(argv) > 2:
        print("usage: python -m fraudbook.pipeline.serve DIR [PORT]", file=sys.stderr)
        return 2
    directory = Path(argv[0])
    if not (directory / "index.html").is_file():
        print(f"no site in {argv[0][:200]!r} (no index.html): run 'make book' first", file=sys.stderr)
        return 1
    raw = argv[1] if len(argv) > 1 else "8000"
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 65536:
        print(f"PORT must be a number from 1 to 65535, got {raw[:40]!r}", file=sys.stderr)
        return 2
    try:
        with serving(directory, int(raw), quiet=False) as url:
            print(f"serving {directory} at {url}/ (Ctrl-C to stop)")
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                pass
    except OSError as exc:
        print(f"cannot serve on 127.0.0.1:{raw}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
