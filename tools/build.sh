#!/usr/bin/env bash
# Builds the test bed's binaries from the Go module proxy into a git-ignored
# cache: the Helm oracle, crane, etcd, the Kubernetes control plane and kwok.
# A binary is rebuilt only when it is missing or when a pinned version (this
# file or a tools module) changed. Usage: tools/build.sh [CACHE_DIR]
set -euo pipefail

HELM_VERSION=v3.22.0
CRANE_VERSION=v0.22.1
KWOK_VERSION=v0.8.0
KUBE_VERSION=v1.37.2

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-$root/.cache/tools}
bin=$cache/bin
mkdir -p "$bin"

# The stamp names every pin; when it changes, everything is rebuilt.
stamp=$(cat "$root/tools/build.sh" "$root"/tools/*/go.mod "$root"/tools/*/go.sum | sha256sum | cut -c1-16)
if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -f "$bin"/* "$cache/stamp"
fi

need() { [ ! -x "$bin/$1" ]; }
say() { printf 'tools: %s\n' "$*" >&2; }
export GOFLAGS=-buildvcs=false

if need helm; then
	say "building helm $HELM_VERSION (the oracle, ~3 min cold)"
	GOBIN=$bin go install -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
if need crane; then
	say "building crane $CRANE_VERSION (~1 min cold)"
	GOBIN=$bin go install "github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION"
fi
if need kwok; then
	say "building kwok $KWOK_VERSION (~2.5 min cold)"
	GOBIN=$bin go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
fi
stages=$cache/kwok-stages
if [ ! -f "$stages/pod-ready.yaml" ]; then
	src=$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage
	if [ ! -d "$src" ]; then (cd "$root/tools/kube" && go mod download "sigs.k8s.io/kwok@$KWOK_VERSION"); fi
	mkdir -p "$stages.tmp"
	cp "$src/node/fast/node-initialize.yaml" "$src/node/heartbeat/node-heartbeat.yaml" \
		"$src/pod/fast/pod-ready.yaml" "$src/pod/fast/pod-complete.yaml" "$src/pod/fast/pod-delete.yaml" "$stages.tmp/"
	chmod 0644 "$stages.tmp"/*
	rm -rf "$stages" && mv "$stages.tmp" "$stages"
fi
if need etcd; then
	say "building etcd (~1 min cold)"
	(cd "$root/tools/etcd" && go build -o "$bin/etcd.tmp" . && mv "$bin/etcd.tmp" "$bin/etcd")
fi
kube_ldflags="-X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37 -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=2026-01-01T00:00:00Z"
for cmd in kube-apiserver kube-controller-manager kube-scheduler; do
	if need "$cmd"; then
		say "building $cmd $KUBE_VERSION (apiserver ~8 min, controller-manager ~3 min cold)"
		(cd "$root/tools/kube" && go build -ldflags "$kube_ldflags" -o "$bin/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd" && mv "$bin/$cmd.tmp" "$bin/$cmd")
	fi
done
echo "$stamp" > "$cache/stamp"
say "ready in $bin"
