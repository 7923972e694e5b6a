//go:build tools

// Package tools records the commands this module builds: the kind CLI.
package tools

import (
	_ "sigs.k8s.io/kind"
)
