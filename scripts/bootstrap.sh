#!/usr/bin/env bash
# Installs everything Kenes needs on Debian 12. Idempotent: when every package is
# already installed it prints nothing and touches no package list.
#   scripts/bootstrap.sh            C++ toolchain and libraries
#   scripts/bootstrap.sh --browser  also Chromium and Firefox ESR (the browser end-to-end tests)
# The report's DOCX export is written by the server itself (libzip, cmark-gfm:
# in the list below). --docx, which used to add pandoc, is still accepted and
# does nothing: docs/operations.md and scripts written before still pass it.
set -euo pipefail

# Never libboost-dev / libboost-all-dev: those are 1.74 and conflict with 1.81.
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev
  libprotobuf-dev protobuf-compiler
  librocksdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev zlib1g-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libzip-dev
  clang-14 libclang-rt-14-dev
  nodejs npm
)
for arg in "$@"; do
  case "$arg" in
    --browser) packages+=(chromium firefox-esr) ;;
    --docx) ;;
    *) echo "bootstrap: unknown option $arg (use --browser)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
# Node may come from outside Debian's archive (it does on these machines); accept
# any node >= 18 on PATH rather than fighting it.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if ((${#missing[@]} > 0)); then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
