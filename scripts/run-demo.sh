#!/usr/bin/env bash
# `make run`: start kenes-server on ./data with the demo consultation and print
# the invite links. Any KENES_* variable (see kenes-server --help) overrides.
set -euo pipefail
cd "$(dirname "$0")/.."
export KENES_DATA_DIR="${KENES_DATA_DIR:-./data}"
export KENES_WEB_ROOT="${KENES_WEB_ROOT:-client-web/dist}"
export KENES_LISTEN="${KENES_LISTEN:-127.0.0.1:8080}"
export KENES_LOG_FORMAT="${KENES_LOG_FORMAT:-text}"
exec build/release/server/kenes-server --demo
