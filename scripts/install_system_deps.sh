#!/usr/bin/env bash
# System packages the test suite starts for itself (Redis, Chromium, PostgreSQL client tools).
# Installs only what is missing; needs root (CI runs as root). Safe to re-run.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install_system_deps: missing ${need[*]}; run as root or install them yourself" >&2
    exit 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
