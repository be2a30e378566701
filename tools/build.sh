#!/usr/bin/env bash
# Builds the test bed's binaries from the Go module proxy into a git-ignored
# cache: the Helm oracle, crane, the cosign oracle, etcd, the Kubernetes
# control plane and kwok. Each binary has its own stamp (bin/.NAME.stamp: its
# pinned version and a hash of the tools module it is built from); a binary is
# rebuilt only when it is missing or its own stamp changed, so a new pin or a
# new tool never rebuilds the others. Usage: tools/build.sh [CACHE_DIR]
set -euo pipefail

HELM_VERSION=v3.22.0
CRANE_VERSION=v0.22.1
COSIGN_VERSION=v2.6.5
KWOK_VERSION=v0.8.0
KUBE_VERSION=v1.37.2

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-$root/.cache/tools}
bin=$cache/bin
mkdir -p "$bin"
rm -f "$cache/stamp" # the former single stamp for every binary

say() { printf 'tools: %s\n' "$*" >&2; }
export GOFLAGS=-buildvcs=false

# modhash DIR: a short hash of a tools module's go.mod and go.sum.
modhash() { cat "$root/tools/$1/go.mod" "$root/tools/$1/go.sum" | sha256sum | cut -c1-16; }

# need NAME STAMP [MODULE VERSION]: true when bin/NAME must be (re)built. A
# binary from a cache that predates per-binary stamps is kept, and stamped,
# when `go version -m` shows it was built from MODULE at VERSION.
need() {
	local name=$1 want=$2 mod=${3:-} ver=${4:-}
	[ -x "$bin/$name" ] || return 0
	[ "$(cat "$bin/.$name.stamp" 2>/dev/null)" = "$want" ] && return 1
	if [ ! -f "$bin/.$name.stamp" ] && [ -n "$mod" ] &&
		go version -m "$bin/$name" 2>/dev/null | awk -v m="$mod" -v v="$ver" '($1=="mod"||$1=="dep") && $2==m && $3==v {f=1} END {exit !f}'; then
		echo "$want" >"$bin/.$name.stamp"
		return 1
	fi
	return 0
}
# built NAME STAMP: records what bin/NAME was built from.
built() { echo "$2" >"$bin/.$1.stamp"; }

s="helm $HELM_VERSION"
if need helm "$s" helm.sh/helm/v3 "$HELM_VERSION"; then
	say "building helm $HELM_VERSION (the oracle, ~3 min cold)"
	GOBIN=$bin go install -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
	built helm "$s"
fi
s="crane $CRANE_VERSION"
if need crane "$s" github.com/google/go-containerregistry "$CRANE_VERSION"; then
	say "building crane $CRANE_VERSION (~1 min cold)"
	GOBIN=$bin go install "github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION"
	built crane "$s"
fi
s="cosign $COSIGN_VERSION"
if need cosign "$s" github.com/sigstore/cosign/v2 "$COSIGN_VERSION"; then
	say "building cosign $COSIGN_VERSION (the signature oracle, ~4 min cold)"
	GOBIN=$bin go install "github.com/sigstore/cosign/v2/cmd/cosign@$COSIGN_VERSION"
	built cosign "$s"
fi
s="kwok $KWOK_VERSION"
if need kwok "$s" sigs.k8s.io/kwok "$KWOK_VERSION"; then
	say "building kwok $KWOK_VERSION (~2.5 min cold)"
	GOBIN=$bin go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
	built kwok "$s"
fi
stages=$cache/kwok-stages
if [ "$(cat "$stages/.stamp" 2>/dev/null)" != "kwok $KWOK_VERSION" ]; then # a copy, no build
	src=$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage
	if [ ! -d "$src" ]; then (cd "$root/tools/kube" && go mod download "sigs.k8s.io/kwok@$KWOK_VERSION"); fi
	rm -rf "$stages.tmp" && mkdir -p "$stages.tmp"
	cp "$src/node/fast/node-initialize.yaml" "$src/node/heartbeat/node-heartbeat.yaml" \
		"$src/pod/fast/pod-ready.yaml" "$src/pod/fast/pod-complete.yaml" "$src/pod/fast/pod-delete.yaml" "$stages.tmp/"
	chmod 0644 "$stages.tmp"/*
	echo "kwok $KWOK_VERSION" >"$stages.tmp/.stamp"
	rm -rf "$stages" && mv "$stages.tmp" "$stages"
fi
s="etcd $(modhash etcd)"
if need etcd "$s" go.etcd.io/etcd/server/v3 "$(awk '$1=="require" && $2=="go.etcd.io/etcd/server/v3" {print $3}' "$root/tools/etcd/go.mod")"; then
	say "building etcd (~1 min cold)"
	(cd "$root/tools/etcd" && go build -o "$bin/etcd.tmp" . && mv "$bin/etcd.tmp" "$bin/etcd")
	built etcd "$s"
fi
kube_ldflags="-X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37 -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=2026-01-01T00:00:00Z"
for cmd in kube-apiserver kube-controller-manager kube-scheduler; do
	s="$cmd $KUBE_VERSION $(modhash kube)"
	if need "$cmd" "$s" k8s.io/kubernetes "$KUBE_VERSION"; then
		say "building $cmd $KUBE_VERSION (apiserver ~8 min, controller-manager ~3 min cold)"
		(cd "$root/tools/kube" && go build -ldflags "$kube_ldflags" -o "$bin/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd" && mv "$bin/$cmd.tmp" "$bin/$cmd")
		built "$cmd" "$s"
	fi
done
say "ready in $bin"
