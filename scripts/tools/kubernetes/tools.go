//go:build tools

// Package tools records the control-plane commands this module builds: kube-apiserver,
// kube-controller-manager, kube-scheduler and kubectl of one Kubernetes release.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
