#!/usr/bin/env bash
# From a fresh clone to a sample report: system packages, npm packages, then the bundled weekly
# report rendered from the embedded emulator (no credentials needed) into out/sample/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
# `npm ci` refuses this lock file here: the registry mirror serves only some platforms' optional
# packages (rollup, esbuild), so they cannot be recorded; `npm install` installs from the lock as it is.
npm install --no-audit --no-fund
node bin/linkbook.js run reports/weekly.yaml --out out/sample
echo
echo "sample report: out/sample/report.html and out/sample/report.pdf (numbers in out/sample/data.json)"
