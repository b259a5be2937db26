#!/usr/bin/env bash
# Installs the Debian packages linkbook needs when they are missing: Chromium (PDF printing),
# poppler-utils (the tests read PDFs back), DejaVu fonts (a last fallback for symbols; the report
# and chart fonts themselves ship as npm packages, src/fonts), and a
# C++ toolchain (better-sqlite3 builds from source when no prebuilt binary can be fetched).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || [ -n "${LINKBOOK_CHROMIUM:-}" ] || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -i 'DejaVu Sans' >/dev/null || need+=(fonts-dejavu-core)  # no grep -q: with pipefail, fc-list's SIGPIPE would fail the test
command -v g++ >/dev/null 2>&1 || need+=(g++ make python3)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
