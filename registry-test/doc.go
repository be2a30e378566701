// Package registrytest starts real OCI registries for tests: CNCF Distribution
// v3 in-process (anonymous plain HTTP, htpasswd basic auth over TLS, or
// Docker-Hub-style bearer tokens issued by a token server of its own) and
// go-containerregistry's in-memory registry as a second implementation. Every
// registry listens on a free 127.0.0.1 port, stores into t.TempDir() and is
// stopped by t.Cleanup. A fault-injecting proxy lets tests break the wire on
// purpose (5xx, 429, resets, truncated or altered bodies) and count traffic.
//
//	r := registrytest.Start(t, registrytest.HtpasswdTLS())
//	// r.Host, r.URL, r.CAFile, r.CertPool, r.Username, r.Password
//	p := registrytest.NewProxy(t, r)
//	p.Inject(&registrytest.Fault{Kind: registrytest.CorruptBody, Match: registrytest.BlobGET, Times: 1})
//	// talk to p.Registry instead of r; p.BlobGETs(), p.BlobUploadBytes(), p.Requests()
//
//	for _, v := range registrytest.Variants() { // anonymous, htpasswd-tls, bearer, memory
//		t.Run(v.Name, func(t *testing.T) { r := registrytest.Start(t, v.Options...); … })
//	}
//
// Distribution's log output (logrus, process-wide) is discarded unless the
// Verbose option or BERTH_REGISTRY_LOG=1 asks for it.
package registrytest
