// Wrapper module that pins the upstream projects whose CustomResourceDefinitions the local cluster installs
// (scripts/local-cluster/crds.ts). Nothing here is built: the module zips carry the CRD YAML. No Go file imports
// these modules, so `go mod tidy` would drop them: edit the versions with `go get module@version` instead.
module kube-appstack/tools/crds

go 1.26.0

require (
	github.com/kubernetes-csi/external-snapshotter/client/v8 v8.7.0 // indirect
	github.com/prometheus-operator/prometheus-operator v0.85.0 // indirect
	sigs.k8s.io/gateway-api v1.6.3 // indirect
)
