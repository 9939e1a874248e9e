#!/usr/bin/env bash
# Installs Debian's `chromium` for the capacity picture's browser test (test/capacity-browser.test.ts),
# a step of its own in .ci/run: tests never install anything.
#
# Cached, keyed by version: the .deb files apt downloads are kept in
#   ${KFT_APT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-tenants/apt}/chromium-<candidate version>/
# so a machine that lost the installed package (a fresh container with the cache mounted) reinstalls
# without downloading; a machine that has the candidate version installed does nothing.
# Also installs fonts-liberation: with no font at all, headless chromium measures every label as
# zero-width and Mermaid lays the chart out on top of itself.
#
#   scripts/install-chromium.sh                (prints the state and the wall time)
#   scripts/install-chromium.sh --print-path   (the chromium binary, or nothing; installs nothing)
# CHROMIUM_PATH=/path/to/chrome names another Chromium-based browser (the GitHub workflow uses the
# runner's Chrome, as Ubuntu ships chromium only as a snap): then nothing is installed.
set -euo pipefail

find_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then [ -x "$CHROMIUM_PATH" ] && echo "$CHROMIUM_PATH"; return 0; fi
  command -v chromium || command -v chromium-browser || true
}

if [ "${1:-}" = --print-path ]; then find_chromium; exit 0; fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { echo "install-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2; exit 1; }
  echo "install-chromium: using CHROMIUM_PATH=$CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

t0=$(date +%s.%N)
took() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
command -v apt-get >/dev/null 2>&1 || { echo "install-chromium: needs apt-get (Debian/Ubuntu); install chromium by hand" >&2; exit 1; }
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

PACKAGES=(chromium fonts-liberation)
# The installed version, or nothing (a removed package whose config files remain reports a version too).
installed() { dpkg-query -W -f='${Status}|${Version}' "$1" 2>/dev/null | awk -F'|' '$1 == "install ok installed" { print $2 }' || true; }
candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'; }

cand=$(candidate chromium)
if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
  # No package list yet (a fresh container): the candidate is unknown until apt-get update.
  $SUDO apt-get update -qq
  cand=$(candidate chromium)
fi
[ -n "$cand" ] && [ "$cand" != "(none)" ] || { echo "install-chromium: apt knows no chromium package" >&2; exit 1; }

have=$(installed chromium)
if [ "$have" = "$cand" ] && [ -n "$(installed fonts-liberation)" ]; then
  state=cached
else
  state=installed
  cache=${KFT_APT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-tenants/apt}/chromium-$cand
  mkdir -p "$cache/partial"
  # A stale package list 404s on a superseded security update: refresh it once and retry.
  apt_install() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o "Dir::Cache::archives=$cache" "${PACKAGES[@]}"; }
  apt_install || { $SUDO apt-get update -qq && apt_install; }
fi
bin=$(find_chromium)
[ -n "$bin" ] || { echo "install-chromium: chromium installed but not on PATH" >&2; exit 1; }
printf 'install-chromium: %-9s %6s s  %s (%s)\n' "$state" "$(took)" "$bin" "$(installed chromium)"
