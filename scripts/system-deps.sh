#!/usr/bin/env bash
# The Debian packages the book needs beyond Python packages, for `make book` or `make test`:
#   book: Chromium (prints the PDF editions; it cannot download a browser of its own here)
#         and a CJK font (fonts-noto-cjk: Chinese titles and quotes in the pages' charts and PDFs)
#   test: the same, plus Node.js with npm (axe-core, the Nu Html Checker), Java 17 (the
#         Nu Html Checker) and poppler's pdftotext (poppler-utils: the PDFs' tests read their text)
# `make book`, `make test` and .ci/run call this first. As root it installs what is missing
# with apt-get; otherwise it stops before anything runs, naming the one command to run.
set -euo pipefail
target="${1:-test}"
case "$target" in book|test) ;; *) echo "usage: $0 [book|test]" >&2; exit 2 ;; esac
# What is missing, found by looking for the programs and files themselves (run again after
# apt-get, so that "installed" is said only of what is there).
chromium="${FRAUDBOOK_CHROMIUM:-/usr/bin/chromium}"
font="${FRAUDBOOK_CJK_FONT:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
missing() {
  need=()
  command -v make >/dev/null || need+=(make)
  python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
  # Chromium counts as there only when it starts (a leftover wrapper without its browser
  # does not print the PDFs).
  { [ -x "$chromium" ] && "$chromium" --version >/dev/null 2>&1; } || need+=(chromium)
  # The font the site's and the PDFs' font stacks name for Chinese (fraudbook.pipeline.system).
  [ -e "$font" ] || need+=(fonts-noto-cjk)
  if [ "$target" = test ]; then
    command -v npm >/dev/null || need+=(nodejs npm)
    command -v java >/dev/null || need+=(default-jre-headless)
    command -v pdftotext >/dev/null || need+=(poppler-utils)
  fi
}
missing
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "make $target needs system packages that are missing (${need[*]}): run 'sudo apt-get update && sudo apt-get install -y ${need[*]}' (or make $target as root), then make $target again" >&2
  exit 2
fi
echo "installing system packages that make $target needs: ${need[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
       --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
  echo "apt-get could not install ${need[*]}; its last lines:" >&2
  tail -n 5 "$log" | sed 's/^/  /' >&2
  exit 1
fi
wanted=("${need[@]}")
missing
if [ ${#need[@]} -ne 0 ]; then
  echo "apt-get did not install: ${need[*]}" >&2
  # A path given in the environment is the user's choice: apt-get cannot put a program there.
  [ -n "${FRAUDBOOK_CHROMIUM:-}" ] && echo "  FRAUDBOOK_CHROMIUM is set to $chromium: point it at a Chromium that starts, or unset it" >&2
  [ -n "${FRAUDBOOK_CJK_FONT:-}" ] && echo "  FRAUDBOOK_CJK_FONT is set to $font: point it at the font, or unset it" >&2
  exit 1
fi
echo "installed: ${wanted[*]}"
