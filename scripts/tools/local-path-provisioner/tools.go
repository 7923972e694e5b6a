//go:build tools

// Package tools records the commands this module builds: rancher's local-path-provisioner (kind's default StorageClass).
package tools

import (
	_ "github.com/rancher/local-path-provisioner"
)
