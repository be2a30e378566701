//go:build tools

// Package tools pins the Kubernetes control-plane binaries that the test
// cluster runs. It is built by tools/build.sh, never by the product.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
