//go:build tools

// Package tools pins the etcd command built by ../../run.sh when apt cannot provide etcd.
package tools

import _ "go.etcd.io/etcd/server/v3"
