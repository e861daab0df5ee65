#!/usr/bin/env bash
# `make bench`: every benchmark, one JSON object per line on stdout. The
# figures in README.md come from this script; rerun it to check them.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/release/bench/kenes-bench
traces=../shared/data/editing-traces
$bench engine-trace "$traces"/*.json.gz
$bench log-append
for w in $($bench --help | awk '/^  [a-z]/ {print $1}'); do
  case "$w" in
    engine-trace|log-append|make-assessment) ;;
    *) $bench "$w" ;;
  esac
done
