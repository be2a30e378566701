// Package chartrepo reads and writes classic Helm chart repositories: an
// index.yaml and chart archives served over HTTP(S). It keeps Helm's own
// files (repositories.yaml and the index cache) so repositories added with
// helm work in berth and the reverse, generates index.yaml as `helm repo
// index` does, searches cached indexes as `helm search repo` does, and
// mirrors a repository into an OCI registry through package oci.
//
// It prints nothing; every network call takes a context.Context first and
// every size read from the network is bounded.
package chartrepo
