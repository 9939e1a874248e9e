#!/usr/bin/env bash
# Builds the Go test harnesses `npm test` runs (`npm run build:tools`), once per version, into a
# cache outside the repository:
#   test/argocd-health  Argo CD's Lua VM (gopher-lua) running docs/argocd-profile-health.lua
#   test/kyverno-cel    cel-go evaluating the Kyverno Profile policies' CEL
#   test/kyverno-cli    the Kyverno CLI (kubectl-kyverno) itself, run over the emitted ValidatingPolicy;
#                       a build module only (tools.go names the main package): ~3 GB of modules
#                       unpacked, a cold build ~25 min on two busy cores
# A binary lives in ${KFT_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-tenants/tools}/<tool>-<key>/<tool>,
# <key> = sha256 of the Go version, go.mod, go.sum and the harness's *.go files; test/support/tools.ts
# computes the same path. Tests never build: a cold cel-go build takes longer than a test timeout.
#
#   scripts/build-tools.sh [tool...]          (default: all; prints each build's wall time)
#   scripts/build-tools.sh --print-path tool  (where the binary is or would be; builds nothing)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v go >/dev/null 2>&1 || { [ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"; } || true
command -v go >/dev/null 2>&1 || { echo "build-tools: missing go (Go >= 1.26, see README \"Prerequisites\")" >&2; exit 1; }

PRINT_ONLY=
if [ "${1:-}" = --print-path ]; then PRINT_ONLY=1; shift; fi
TOOLS=("$@")
[ ${#TOOLS[@]} -gt 0 ] || TOOLS=(argocd-health kyverno-cel kyverno-cli)
CACHE_ROOT=${KFT_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-tenants/tools}
GO_VERSION=$(go env GOVERSION)

# The package to build: the main package a tools.go pins (a build module of an upstream command),
# else the harness's own directory.
pkg() { local p; p=$(sed -n 's/^import _ "\(.*\)"$/\1/p' "$ROOT/test/$1/tools.go" 2>/dev/null); echo "${p:-.}"; }

# Keep in step with toolKey() in test/support/tools.ts.
key() { (cd "$ROOT/test/$1" && { echo "$GO_VERSION"; cat go.mod go.sum; ls -- *.go | LC_ALL=C sort | xargs cat; } | sha256sum | cut -c1-16); }

for tool in "${TOOLS[@]}"; do
  [ -f "$ROOT/test/$tool/go.mod" ] || { echo "build-tools: no Go module test/$tool" >&2; exit 1; }
  t0=$(date +%s.%N)
  dir="$CACHE_ROOT/$tool-$(key "$tool")"
  if [ -n "$PRINT_ONLY" ]; then echo "$dir/$tool"; continue; fi
  if [ -x "$dir/$tool" ]; then
    state=cached
  else
    state=built
    mkdir -p "$CACHE_ROOT"
    tmp=$(mktemp -d "$CACHE_ROOT/.$tool.XXXXXX")
    (cd "$ROOT/test/$tool" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -mod=readonly -ldflags='-s -w' -o "$tmp/$tool" "$(pkg "$tool")") \
      || { rm -rf "$tmp"; echo "build-tools: go build of test/$tool failed" >&2; exit 1; }
    # Older keys are kept: another checkout may still use them (a few MB each, the Kyverno CLI 265 MB; delete by hand).
    # A rename is atomic, so a concurrent build of the same key never leaves half a binary.
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  fi
  printf 'build-tools: %-14s %-6s %6.1f s  %s\n' "$tool" "$state" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$dir/$tool"
done
