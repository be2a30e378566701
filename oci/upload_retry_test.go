package oci

import (
	"net/http"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestUploadRetries breaks the PUT that carries a blob's bytes and the
// manifest PUT: the push still succeeds.
func TestUploadRetries(t *testing.T) {
	tgz := newOracle(t).packageChart("podinfo")
	r := registrytest.Start(t)
	p := registrytest.NewProxy(t, r)
	blobPUT := func(req *http.Request) bool {
		return req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/blobs/uploads/")
	}
	var faults []*registrytest.Fault
	for _, k := range []registrytest.FaultKind{registrytest.Status500, registrytest.ResetConnection, registrytest.TooManyRequests} {
		for _, m := range []func(*http.Request) bool{blobPUT, registrytest.ManifestPUT} {
			f := &registrytest.Fault{Kind: k, Match: m, Times: 1}
			faults = append(faults, f)
			p.Inject(f)
		}
	}
	res, err := clientFor(t, p.Registry, "", "").Push(t.Context(), tgz, "oci://"+p.Registry.Host+"/charts", PushOptions{})
	if err != nil {
		t.Fatalf("push through upload faults: %v", err)
	}
	for i, f := range faults {
		if f.Hits() != 1 {
			t.Fatalf("fault %d hit %d times", i, f.Hits())
		}
	}
	if _, err := clientFor(t, r, "", "").Pull(t.Context(), res.Pinned, PullOptions{}); err != nil {
		t.Fatal(err)
	}
}
