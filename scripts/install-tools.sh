#!/usr/bin/env bash
# Installs the Pulumi engine that `npm run test:engine` drives, into .tools/bin (or $TOOLS_BIN):
#   pulumi                          the CLI, or the one on PATH when its version fits
#   pulumi-language-nodejs          the Node.js language host (ours, see scripts/tools/pulumi-language-nodejs)
#   pulumi-resource-kubernetes      the Kubernetes provider, at the @pulumi/kubernetes version of package-lock.json
#   pulumi-resource-pulumi-nodejs   the launcher for dynamic providers
#
# The machines this runs on reach the Go module proxy but not Pulumi's download servers, so every
# binary is built from Go modules, each from its own wrapper module in scripts/tools/<tool>/ so that
# one tool's requirements never move another's. A stamp per tool records what was built; a second
# run with everything in place only compares stamps. Go's module and build caches are the default
# ones, so a rebuild on the same machine is quick even after `git clean`.
#
# The first build on a machine takes long (the CLI has ~290 module requirements): tens of minutes on
# 2 cores. Builds run under `nice -n 19` so they do not starve whatever else the machine does.
set -euo pipefail

for command in go node flock; do
  command -v "$command" >/dev/null || { echo "install-tools: needs '$command' on PATH" >&2; exit 1; }
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/scripts/tools"
bin=${TOOLS_BIN:-$root/.tools/bin}
stamps="$bin/../stamps"
mkdir -p "$bin" "$stamps"

# required_version <tool> <module>: the version of <module> that the tool's wrapper go.mod pins (no "v").
required_version() {
  awk -v module="$2" '{ for (i = 1; i < NF; i++) if ($i == module) { sub(/^v/, "", $(i + 1)); print $(i + 1); exit } }' \
    "$tools/$1/go.mod"
}

# The Pulumi release the CLI and our language host are built from: the wrapper module's pin.
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

log() { echo "install-tools: $*"; }
started=$SECONDS

# Two runs at once would build the same binaries twice on a machine with 2 cores.
exec 9>"$stamps/install.lock"
flock 9

# Stripped binaries (-s -w): no debugger needs them, and they link in a fraction of the time.
build_flags=(-trimpath -tags osusergo,grpcnotrace)
link_flags="-s -w"

# stamp_of <tool> <version>: what a build of the tool depends on (pin, wrapper sources, flags, Go version).
stamp_of() {
  local dir="$tools/$1"
  { echo "$2 ${build_flags[*]} $link_flags"; go version; cat "$dir"/go.mod "$dir"/go.sum "$dir"/*.go 2>/dev/null; } |
    sha256sum | cut -d' ' -f1
}

# up_to_date <tool> <version>: the binary exists and was built from exactly these inputs.
up_to_date() {
  [[ -x "$bin/$1" && -f "$stamps/$1" && "$(cat "$stamps/$1")" == "$(stamp_of "$1" "$2")" ]]
}

# go_build <tool> <version> <package> <ldflags>: build one binary from its wrapper module.
go_build() {
  local tool=$1 version=$2 package=$3 ldflags=$4 step=$SECONDS
  if up_to_date "$tool" "$version"; then
    log "$tool $version: up to date"
    return
  fi
  log "$tool $version: building from Go modules ..."
  if ! (cd "$tools/$tool" && CGO_ENABLED=0 nice -n 19 go build "${build_flags[@]}" \
    -ldflags "$link_flags $ldflags" -o "$bin/$tool" "$package"); then
    log "$tool $version: BUILD FAILED (go build output above)" >&2
    exit 1
  fi
  stamp_of "$tool" "$version" >"$stamps/$tool"
  log "$tool $version: built in $((SECONDS - step))s"
}

# version_at_least <have> <want>: semantic comparison of two x.y.z versions.
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

# A Pulumi CLI already on PATH (outside our own folder) is used when it is at least our pin and
# ships its Node.js language host beside it, as Pulumi's release archives do.
path_pulumi=$(PATH=$(tr ':' '\n' <<<"$PATH" | grep -vxF "$bin" | paste -sd:) command -v pulumi || true)
path_version=""
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
  go_build pulumi "$pulumi_version" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version"
  go_build pulumi-language-nodejs "$pulumi_version" . "-X main.version=$pulumi_version"
fi

# The provider's main package embeds its schema, which its release build generates and its published
# module therefore lacks: generate it from the module's schema.json, as upstream's go:generate does.
provider_dir="$tools/pulumi-resource-kubernetes"
if ! up_to_date pulumi-resource-kubernetes "$kubernetes_version"; then
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
go_build pulumi-resource-kubernetes "$kubernetes_version" . \
  "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$kubernetes_version"

install -m 0755 "$tools/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"

log "done in $((SECONDS - started))s; tools in $bin"
