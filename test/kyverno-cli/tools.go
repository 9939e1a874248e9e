//go:build tools

// Package tools pins the Kyverno CLI that scripts/build-tools.sh builds (the main package below),
// so go.mod and go.sum record every module it needs.
package tools

import _ "github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno"
