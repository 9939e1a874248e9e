#!/usr/bin/env bash
# Builds the test harnesses `npm test` runs (`npm run build:tools`), once per version, into a
# cache outside the repository:
#   test/argocd-health  Argo CD's Lua VM (gopher-lua) running docs/argocd-profile-health.lua
#   test/kyverno-cel    cel-go evaluating the Kyverno Profile policies' CEL
#   test/kyverno-cli    the Kyverno CLI (kubectl-kyverno) itself, run over the emitted ValidatingPolicy;
#                       a build module only (tools.go names the main package): ~3 GB of modules
#                       unpacked, a cold build ~25 min on two busy cores
#   test/vrl-harness    the vrl crate Vector 0.57.0 pins (Rust), running the audit routing programs
# A binary lives in ${KFT_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-tenants/tools}/<tool>-<key>/<tool>,
# <key> = sha256 of the Go version, go.mod, go.sum and the harness's *.go files (Go), or of the
# rustc version, Cargo.toml, Cargo.lock and src/*.rs (Rust); test/support/tools.ts computes the
# same path. Tests never build: a cold cel-go or vrl build takes longer than a test timeout.
# Rust builds keep their target directory in the cache (<cache>/.cargo-target/<tool>, ~830 MB for
# vrl-harness; delete it by hand to reclaim the space), so a change
# of the harness's own source recompiles only the harness.
#
#   scripts/build-tools.sh [tool...]          (default: all; prints each build's wall time)
#   scripts/build-tools.sh --print-path tool  (where the binary is or would be; builds nothing)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v go >/dev/null 2>&1 || { [ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"; } || true

PRINT_ONLY=
if [ "${1:-}" = --print-path ]; then PRINT_ONLY=1; shift; fi
TOOLS=("$@")
[ ${#TOOLS[@]} -gt 0 ] || TOOLS=(argocd-health kyverno-cel kyverno-cli vrl-harness)
CACHE_ROOT=${KFT_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-tenants/tools}
GO_VERSION=
RUST_VERSION=
need_go() {
  command -v go >/dev/null 2>&1 || { echo "build-tools: missing go (Go >= 1.26, see README \"Prerequisites\")" >&2; exit 1; }
  [ -n "$GO_VERSION" ] || GO_VERSION=$(go env GOVERSION)
}
need_rust() {
  command -v cargo >/dev/null 2>&1 || { [ -x "$HOME/.cargo/bin/cargo" ] && PATH="$PATH:$HOME/.cargo/bin"; } || true
  command -v cargo >/dev/null 2>&1 || { echo "build-tools: missing cargo (Rust >= 1.90, see README \"Prerequisites\")" >&2; exit 1; }
  [ -n "$RUST_VERSION" ] || RUST_VERSION=$(rustc --version | awk '{print $2}')
}

# The package to build: the main package a tools.go pins (a build module of an upstream command),
# else the harness's own directory.
pkg() { local p; p=$(sed -n 's/^import _ "\(.*\)"$/\1/p' "$ROOT/test/$1/tools.go" 2>/dev/null); echo "${p:-.}"; }

# Keep in step with toolKey() in test/support/tools.ts.
key() {
  if [ -f "$ROOT/test/$1/Cargo.toml" ]; then
    (cd "$ROOT/test/$1" && { echo "rustc $RUST_VERSION"; cat Cargo.toml Cargo.lock; ls -- src/*.rs | LC_ALL=C sort | xargs cat; } | sha256sum | cut -c1-16)
  else
    (cd "$ROOT/test/$1" && { echo "$GO_VERSION"; cat go.mod go.sum; ls -- *.go | LC_ALL=C sort | xargs cat; } | sha256sum | cut -c1-16)
  fi
}

# build <tool> <output dir>: the harness binary into <output dir>/<tool>.
build() {
  if [ -f "$ROOT/test/$1/Cargo.toml" ]; then
    # --locked: Cargo.lock is committed and part of the key; a build never resolves versions anew.
    (cd "$ROOT/test/$1" && CARGO_TARGET_DIR="$CACHE_ROOT/.cargo-target/$1" cargo build --release --locked --quiet) &&
      cp "$CACHE_ROOT/.cargo-target/$1/release/$1" "$2/$1"
  else
    (cd "$ROOT/test/$1" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -mod=readonly -ldflags='-s -w' -o "$2/$1" "$(pkg "$1")")
  fi
}

for tool in "${TOOLS[@]}"; do
  if [ -f "$ROOT/test/$tool/Cargo.toml" ]; then need_rust
  elif [ -f "$ROOT/test/$tool/go.mod" ]; then need_go
  else echo "build-tools: no Go module or Cargo package test/$tool" >&2; exit 1
  fi
  t0=$(date +%s.%N)
  dir="$CACHE_ROOT/$tool-$(key "$tool")"
  if [ -n "$PRINT_ONLY" ]; then echo "$dir/$tool"; continue; fi
  if [ -x "$dir/$tool" ]; then
    state=cached
  else
    state=built
    mkdir -p "$CACHE_ROOT"
    tmp=$(mktemp -d "$CACHE_ROOT/.$tool.XXXXXX")
    build "$tool" "$tmp" || { rm -rf "$tmp"; echo "build-tools: build of test/$tool failed" >&2; exit 1; }
    # Older keys are kept: another checkout may still use them (a few MB each, the Kyverno CLI 265 MB; delete by hand).
    # A rename is atomic, so a concurrent build of the same key never leaves half a binary.
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  fi
  printf 'build-tools: %-14s %-6s %6.1f s  %s\n' "$tool" "$state" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$dir/$tool"
done
