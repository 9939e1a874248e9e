//go:build tools

// Package tools pins the Kueue controller built by ../../run.sh (cmd/kueue of sigs.k8s.io/kueue).
package tools

import _ "sigs.k8s.io/kueue/cmd/kueue"
