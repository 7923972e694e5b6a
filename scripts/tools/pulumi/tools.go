//go:build tools

// Package tools records the Pulumi CLI as this module's only build target.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
