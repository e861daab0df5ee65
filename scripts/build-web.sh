#!/usr/bin/env bash
# Builds the web app into client-web/dist (npm ci only when the lock file
# changed since the last install).
set -euo pipefail
cd "$(dirname "$0")/../client-web"
stamp=node_modules/.kenes-lock-stamp
if [[ ! -f "$stamp" ]] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
npm run --silent build
