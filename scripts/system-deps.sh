#!/usr/bin/env bash
# Installs the Debian packages linkbook needs when they are missing: Chromium's headless shell (PDF
# printing) and the browser (the preview's tests),
# poppler-utils (the tests read PDFs back), DejaVu fonts (a last fallback for symbols; the report
# and chart fonts themselves ship as npm packages, src/fonts), Noto fonts for the scripts the
# shipped fonts do not cover (CJK; Arabic, Hebrew, Devanagari, Thai; colour emoji), and a
# C++ toolchain (better-sqlite3 builds from source when no prebuilt binary can be fetched), and
# PostgreSQL and Redis for the scale-out mode (the tests start private servers on loopback).
set -euo pipefail
need=()
# Chromium twice: the headless shell prints the PDFs (the same output, started with far less CPU:
# src/pdf/chromium.ts), the full browser drives the preview's tests as a person's browser would
if [ -z "${LINKBOOK_CHROMIUM:-}" ]; then
  command -v chromium-headless-shell >/dev/null 2>&1 || need+=(chromium-headless-shell)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -i 'DejaVu Sans' >/dev/null || need+=(fonts-dejavu-core)  # no grep -q: with pipefail, fc-list's SIGPIPE would fail the test
# Noto, by family (sizes for Debian 12, download / installed): fonts-noto-cjk 57 MB / 91 MB,
# fonts-noto-core 12 MB / 43 MB (Arabic, Hebrew, Devanagari, Thai and more), fonts-noto-color-emoji 10 MB / 11 MB
fonts=$(fc-list : family 2>/dev/null || true)
grep -i 'Noto Sans CJK' <<<"$fonts" >/dev/null || need+=(fonts-noto-cjk)
grep -i 'Noto Sans Devanagari' <<<"$fonts" >/dev/null || need+=(fonts-noto-core)
grep -i 'Noto Color Emoji' <<<"$fonts" >/dev/null || need+=(fonts-noto-color-emoji)
command -v g++ >/dev/null 2>&1 || need+=(g++ make python3)
# the Debian package puts initdb and pg_ctl in /usr/lib/postgresql/<version>/bin, off PATH
{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || [ -x /usr/sbin/redis-server ] || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
