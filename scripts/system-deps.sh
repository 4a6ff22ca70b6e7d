#!/usr/bin/env bash
# What `make test` needs beyond Python packages, from Debian: Chromium (driven by Playwright
# for the browser tests; it cannot download a browser of its own here), Node.js with npm
# (axe-core and the Nu Html Checker), Java 17 (the Nu Html Checker), the Chinese font the
# pages and PDFs name (fonts-noto-cjk) and poppler's pdftotext, which reads the PDFs' text
# in their tests (poppler-utils). `make test` and
# .ci/run call this first. As root it installs what is missing with apt-get; otherwise it
# stops before anything runs, naming the one command to run.
set -euo pipefail
need=()
command -v make >/dev/null || need+=(make)
python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
[ -x "${FRAUDBOOK_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
command -v npm >/dev/null || need+=(nodejs npm)
command -v java >/dev/null || need+=(default-jre-headless)
fc-list 2>/dev/null | grep -q "Noto Sans CJK SC" || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "make test needs system packages that are missing: ${need[*]}" >&2
  echo "install them first, then run make test again:" >&2
  echo "    sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 2
fi
echo "installing system packages the tests need: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "installed: ${need[*]}"
