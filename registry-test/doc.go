// Package registrytest starts real OCI registries for tests: CNCF Distribution
// v3 in-process (anonymous plain HTTP, htpasswd basic auth over TLS, or
// Docker-Hub-style bearer tokens issued by a token server of its own) and
// go-containerregistry's in-memory registry as a second implementation. Every
// registry listens on a free 127.0.0.1 port, stores into t.TempDir() and is
// stopped by t.Cleanup. A fault-injecting proxy lets tests break the wire on
// purpose (5xx, 429, resets, truncated or altered blobs) and count traffic.
package registrytest
