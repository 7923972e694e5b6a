#!/usr/bin/env bash
# Installs actionlint (the GitHub Actions workflow linter) into .tools/bin (or $TOOLS_BIN), built from the Go module
# proxy: the machines this runs on reach it but not GitHub's release downloads. A second run with the pinned version
# already in place only asks the binary for its version.
set -euo pipefail

version=v1.7.12
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${TOOLS_BIN:-$root/.tools/bin}
mkdir -p "$bin"

# `go install` stamps the module version into the binary; `actionlint -version` prints it on its first line.
if [[ -x "$bin/actionlint" ]] && [[ "$("$bin/actionlint" -version 2>/dev/null | head -n1)" == "$version" ]]; then
  echo "install-actionlint: actionlint $version: up to date"
  exit 0
fi
echo "install-actionlint: actionlint $version: building from Go modules ..."
GOBIN=$bin CGO_ENABLED=0 nice -n 19 go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
echo "install-actionlint: actionlint $version: installed in $bin"
