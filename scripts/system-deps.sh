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
missing() {
  need=()
  command -v make >/dev/null || need+=(make)
  python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
  [ -x "${FRAUDBOOK_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
  # The font the site's and the PDFs' font stacks name for Chinese (fraudbook.build.system).
  [ -e "${FRAUDBOOK_CJK_FONT:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}" ] || need+=(fonts-noto-cjk)
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
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
wanted=("${need[@]}")
missing
if [ ${#need[@]} -ne 0 ]; then
  echo "apt-get did not install: ${need[*]}" >&2
  exit 1
fi
echo "installed: ${wanted[*]}"
