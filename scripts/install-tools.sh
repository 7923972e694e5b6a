#!/usr/bin/env bash
# Builds the tools the engine and integration tests drive, into .tools/bin (or $TOOLS_BIN).
#
#   scripts/install-tools.sh [engine] [cluster]     (no argument: both)
#
# engine: the Pulumi engine that `npm run test:engine` and `pulumi up` drive
#   pulumi                          the CLI, or the one on PATH when its version fits
#   pulumi-language-nodejs          the Node.js language host (ours, see scripts/tools/pulumi-language-nodejs)
#   pulumi-resource-kubernetes      the Kubernetes provider, at the @pulumi/kubernetes version of package-lock.json
#   pulumi-resource-pulumi-nodejs   the launcher for dynamic providers, as Pulumi's CLI ships it: a dev stack made
#                                   before the kind plugin runs its old cluster resource through it until one `up`
# cluster: the live control plane of `npm run cluster:up` and the integration tests (docs/local-cluster.md)
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
#                                   Kubernetes at the version of KindCluster's default node image
#   etcd                            the API server's store
#   kwok, kwokctl                   fake kubelets, and the tool that runs the control plane as local processes
#   metrics-server                  resource metrics for `kubectl top` and the HorizontalPodAutoscaler
#   local-path-provisioner          the dynamic provisioner behind kind's default StorageClass `standard`
#   kind                            the kind CLI at the version the README asks for
#
# The machines this runs on reach the Go module proxy but not the projects' download servers, so every
# binary is built from Go modules, each from its own wrapper module in scripts/tools/<wrapper>/ so that
# one tool's requirements never move another's. A stamp per wrapper records what was built; a second
# run with everything in place only compares stamps. Go's module and build caches are the default
# ones, so a rebuild on the same machine is quick even after `git clean`.
#
# The first build on a machine takes long (the CLI has ~290 module requirements, Kubernetes more): tens
# of minutes on 2 cores. Builds run under `nice -n 19` so they do not starve whatever else the machine does.
set -euo pipefail

for command in go node flock; do
  command -v "$command" >/dev/null || { echo "install-tools: needs '$command' on PATH" >&2; exit 1; }
done

engine=false cluster=false
[[ $# -eq 0 ]] && set -- engine cluster
for group in "$@"; do
  case "$group" in
    engine) engine=true ;;
    cluster) cluster=true ;;
    *) echo "install-tools: unknown group '$group'; allowed: engine, cluster (none: both)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/scripts/tools"
bin=${TOOLS_BIN:-$root/.tools/bin}
stamps="$bin/../stamps"
mkdir -p "$bin" "$stamps"

# required_version <wrapper> <module>: the version of <module> that the wrapper go.mod pins (no "v").
required_version() {
  awk -v module="$2" '/^[[:space:]]*\/\// { next } { for (i = 1; i < NF; i++) if ($i == module) { sub(/^v/, "", $(i + 1)); print $(i + 1); exit } }' \
    "$tools/$1/go.mod"
}

log() { echo "install-tools: $*"; }
started=$SECONDS

# Two runs at once would build the same binaries twice on a machine with 2 cores.
exec 9>"$stamps/install.lock"
flock 9

# Stripped binaries (-s -w): no debugger needs them, and they link in a fraction of the time.
build_flags=(-trimpath -tags osusergo,grpcnotrace)
link_flags="-s -w"

# stamp_of <wrapper> <version> <ldflags>: what a build depends on (pin, wrapper sources, flags, Go version).
stamp_of() {
  local dir="$tools/$1"
  { echo "$2 ${build_flags[*]} $link_flags $3"; go version; cat "$dir"/go.mod "$dir"/go.sum "$dir"/*.go 2>/dev/null; } |
    sha256sum | cut -d' ' -f1
}

# built <wrapper> <version> <ldflags> <binary>...: every binary exists and the wrapper's stamp matches.
built() {
  local wrapper=$1 version=$2 ldflags=$3 name
  shift 3
  for name in "$@"; do [[ -x "$bin/$name" ]] || return 1; done
  [[ -f "$stamps/$wrapper" && "$(cat "$stamps/$wrapper")" == "$(stamp_of "$wrapper" "$version" "$ldflags")" ]]
}

# go_build <wrapper> <version> <ldflags> <binary>=<package>...: build binaries from one wrapper module,
# in one `go build` so that the packages they share compile once.
go_build() {
  local wrapper=$1 version=$2 ldflags=$3 step=$SECONDS spec name
  shift 3
  local names=() packages=()
  for spec in "$@"; do names+=("${spec%%=*}"); packages+=("${spec#*=}"); done
  if built "$wrapper" "$version" "$ldflags" "${names[@]}"; then
    log "${names[*]} $version: up to date"
    return
  fi
  log "${names[*]} $version: building from Go modules ..."
  # One package: -o names the binary. Several: go names each after its package directory.
  local out="$bin/${names[0]}"
  [[ ${#packages[@]} -gt 1 ]] && out="$bin/"
  if ! (cd "$tools/$wrapper" && CGO_ENABLED=0 nice -n 19 go build "${build_flags[@]}" \
    -ldflags "$link_flags $ldflags" -o "$out" "${packages[@]}"); then
    log "${names[*]} $version: BUILD FAILED (go build output above)" >&2
    exit 1
  fi
  for name in "${names[@]}"; do
    [[ -x "$bin/$name" ]] || { log "$wrapper: the build made no '$name'" >&2; exit 1; }
  done
  stamp_of "$wrapper" "$version" "$ldflags" >"$stamps/$wrapper"
  log "${names[*]} $version: built in $((SECONDS - step))s"
}

# version_at_least <have> <want>: semantic comparison of two x.y.z versions.
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

install_engine() {
  # The Pulumi release the CLI and our language host are built from: the wrapper module's pin.
  local pulumi_version kubernetes_version kubernetes_sdk_pin
  pulumi_version=$(required_version pulumi github.com/pulumi/pulumi/pkg/v3)
  if [[ "$(required_version pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3)" != "$pulumi_version" ]]; then
    echo "install-tools: scripts/tools/pulumi-language-nodejs/go.mod must pin sdk/v3 v$pulumi_version, the CLI's release." >&2
    exit 1
  fi
  # The provider must match the npm SDK (both come from one schema), so package-lock.json decides.
  kubernetes_version=$(node -p 'require(process.argv[1]).packages["node_modules/@pulumi/kubernetes"].version' \
    "$root/package-lock.json")
  kubernetes_sdk_pin=$(required_version pulumi-resource-kubernetes github.com/pulumi/pulumi-kubernetes/sdk/v4)
  if [[ "$kubernetes_sdk_pin" != "$kubernetes_version" ]]; then
    echo "install-tools: package-lock.json has @pulumi/kubernetes $kubernetes_version but" \
      "scripts/tools/pulumi-resource-kubernetes/go.mod builds the provider of $kubernetes_sdk_pin;" \
      "pin the provider module's commit of that release there (or keep the npm package at $kubernetes_sdk_pin)." >&2
    exit 1
  fi

  # A Pulumi CLI already on PATH (outside our own folder) is used when it is at least our pin and
  # ships its Node.js language host beside it, as Pulumi's release archives do.
  local path_pulumi path_version=""
  path_pulumi=$(PATH=$(tr ':' '\n' <<<"$PATH" | grep -vxF "$bin" | paste -sd:) command -v pulumi || true)
  if [[ -n "$path_pulumi" ]]; then
    path_version=$("$path_pulumi" version 2>/dev/null | sed 's/^v//' || true)
  fi
  if [[ -n "$path_version" ]] && version_at_least "$path_version" "$pulumi_version" &&
    [[ -x "$(dirname "$path_pulumi")/pulumi-language-nodejs" ]]; then
    log "pulumi $path_version: using $path_pulumi from PATH (needs >= $pulumi_version)"
    rm -f "$bin/pulumi" "$bin/pulumi-language-nodejs" "$stamps/pulumi" "$stamps/pulumi-language-nodejs"
  else
    [[ -n "$path_pulumi" ]] &&
      log "pulumi on PATH ($path_pulumi, version '${path_version:-unknown}') does not fit; building $pulumi_version"
    go_build pulumi "$pulumi_version" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version" \
      pulumi=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    go_build pulumi-language-nodejs "$pulumi_version" "-X main.version=$pulumi_version" pulumi-language-nodejs=.
  fi

  # The provider's main package embeds its schema, which its release build generates and its published
  # module therefore lacks: generate it from the module's schema.json, as upstream's go:generate does.
  local provider_dir="$tools/pulumi-resource-kubernetes" module_dir
  local provider_ldflags="-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$kubernetes_version"
  if ! built pulumi-resource-kubernetes "$kubernetes_version" "$provider_ldflags" pulumi-resource-kubernetes; then
    (cd "$provider_dir" && go mod download github.com/pulumi/pulumi-kubernetes/provider/v4)
    module_dir=$(cd "$provider_dir" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)
    node - "$module_dir/cmd/pulumi-resource-kubernetes" "$provider_dir" "$kubernetes_version" <<'NODE'
const fs = require("fs");
const path = require("path");
const [from, to, version] = process.argv.slice(2);
const schema = JSON.parse(fs.readFileSync(path.join(from, "schema.json"), "utf8"));
fs.writeFileSync(path.join(to, "schema-embed.json"), JSON.stringify({ ...schema, version }));
const mapping = JSON.parse(fs.readFileSync(path.join(from, "terraform-mapping.json"), "utf8"));
fs.writeFileSync(path.join(to, "terraform-mapping-embed.json"), JSON.stringify(mapping));
NODE
  fi
  go_build pulumi-resource-kubernetes "$kubernetes_version" "$provider_ldflags" pulumi-resource-kubernetes=.

  install -m 0755 "$tools/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
}

install_cluster() {
  local kube etcd kwok metrics lpp kind node_image minor
  kube=$(required_version kubernetes k8s.io/kubernetes)
  # The live control plane stands in for the kind cluster of the dev stack, so both run one Kubernetes
  # version: the one of KindCluster's default node image.
  node_image=$(sed -n 's/.*"kindest\/node:v\([0-9.]*\)@.*/\1/p' "$root/components/kind-config.ts")
  if [[ "$node_image" != "$kube" ]]; then
    echo "install-tools: KindCluster's default node image runs Kubernetes $node_image, but" \
      "scripts/tools/kubernetes/go.mod builds $kube; move both together." >&2
    exit 1
  fi
  minor=${kube#*.}
  minor=${minor%%.*}
  local stamp="-X k8s.io/component-base/version.gitVersion=v$kube -X k8s.io/component-base/version.gitMajor=1"
  stamp+=" -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  stamp+=" -X k8s.io/client-go/pkg/version.gitVersion=v$kube -X k8s.io/client-go/pkg/version.gitMajor=1"
  stamp+=" -X k8s.io/client-go/pkg/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitTreeState=clean"
  go_build kubernetes "$kube" "$stamp" \
    kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver \
    kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager \
    kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler \
    kubectl=k8s.io/kubernetes/cmd/kubectl

  etcd=$(required_version etcd go.etcd.io/etcd/server/v3)
  go_build etcd "$etcd" "-X go.etcd.io/etcd/api/v3/version.GitSHA=v$etcd" etcd=go.etcd.io/etcd/server/v3

  # kwokctl's own default Kubernetes version picks the flags it gives the control plane: make it ours.
  kwok=$(required_version kwok sigs.k8s.io/kwok)
  go_build kwok "$kwok" "-X sigs.k8s.io/kwok/pkg/consts.Version=$kwok -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$kube" \
    kwok=sigs.k8s.io/kwok/cmd/kwok kwokctl=sigs.k8s.io/kwok/cmd/kwokctl

  metrics=$(required_version metrics-server sigs.k8s.io/metrics-server)
  go_build metrics-server "$metrics" "-X k8s.io/client-go/pkg/version.gitVersion=v$metrics" \
    metrics-server=sigs.k8s.io/metrics-server/cmd/metrics-server

  lpp=$(required_version local-path-provisioner github.com/rancher/local-path-provisioner)
  go_build local-path-provisioner "$lpp" "-X main.VERSION=v$lpp" \
    local-path-provisioner=github.com/rancher/local-path-provisioner

  kind=$(required_version kind sigs.k8s.io/kind)
  go_build kind "$kind" "" kind=sigs.k8s.io/kind
}

$engine && install_engine
$cluster && install_cluster

log "done in $((SECONDS - started))s; tools in $bin"
