//go:build tools

// Package tools records the commands this module builds: metrics-server.
package tools

import (
	_ "sigs.k8s.io/metrics-server/cmd/metrics-server"
)
