package oci

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// hostileFront is a registry front that forwards to a real registry and lets
// a test rewrite responses the way a hostile or broken registry would.
type hostileFront struct {
	Host     string
	blobGets atomic.Int64
}

func newHostileFront(t *testing.T, r *registrytest.Registry, rewrite func(w http.ResponseWriter, req *http.Request, next http.Handler) bool) *hostileFront {
	t.Helper()
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	f := &hostileFront{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/blobs/sha256:") {
			f.blobGets.Add(1)
		}
		if rewrite == nil || !rewrite(w, req, proxy) {
			proxy.ServeHTTP(w, req)
		}
	}))
	t.Cleanup(srv.Close)
	f.Host = strings.TrimPrefix(srv.URL, "http://")
	return f
}

func hostileClient(t *testing.T, host string, opts Options) *Client {
	t.Helper()
	opts.PlainHTTP, opts.CacheDir, opts.MinBackoff = true, t.TempDir(), time.Millisecond
	opts.DockerConfig, opts.HelmRegistryConfig = t.TempDir()+"/config.json", t.TempDir()+"/none.json"
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pushLyingManifest pushes the chart hello:0.1.0 and then tag lie whose
// manifest declares the chart layer's size as size.
func pushLyingManifest(t *testing.T, r *registrytest.Registry, size int64) {
	t.Helper()
	tgz, meta := packageTestChart(t, "hello", "0.1.0")
	pusher := clientFor(t, r, "", "")
	pushWithConfig(t, pusher, "oci://"+r.Host+"/h/hello:0.1.0", tgz, meta)
	chart := descriptor(ChartLayerMediaType, tgz)
	chart.Size = size
	cfg, _ := json.Marshal(meta)
	m, err := json.Marshal(ocispec.Manifest{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: ocispec.MediaTypeImageManifest,
		Config: descriptor(ConfigMediaType, cfg), Layers: []ocispec.Descriptor{chart}})
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := ParseReference("oci://" + r.Host + "/h/hello")
	desc := ocispec.Descriptor{MediaType: ocispec.MediaTypeImageManifest, Digest: digest.FromBytes(m), Size: int64(len(m))}
	if err := pusher.repository(ref).PushReference(t.Context(), desc, bytes.NewReader(m), "lie"); err != nil {
		t.Fatal(err)
	}
}

// A manifest declaring a 10 GiB chart layer is refused before any blob is
// downloaded (berth held the declared size in memory and fetched it 6 times).
func TestPullRefusesOversizedLayerBeforeFetching(t *testing.T) {
	r := registrytest.Start(t, registrytest.InMemory())
	pushLyingManifest(t, r, 10<<30)
	front := newHostileFront(t, r, nil)
	_, err := hostileClient(t, front.Host, Options{}).Pull(t.Context(), "oci://"+front.Host+"/h/hello:lie", PullOptions{})
	if err == nil || !strings.Contains(err.Error(), "larger than the chart size limit") {
		t.Fatalf("error = %v, want the layer refused by its declared size", err)
	}
	if n := front.blobGets.Load(); n != 0 {
		t.Errorf("%d blob downloads, want none", n)
	}
}

// A complete body of the wrong size (sent without Content-Length, so only
// its end tells) is a permanent error: fetched once, not retried.
func TestPullWrongSizeBodyIsPermanent(t *testing.T) {
	r := registrytest.Start(t, registrytest.InMemory())
	pushLyingManifest(t, r, 64<<10)
	front := newHostileFront(t, r, func(w http.ResponseWriter, req *http.Request, next http.Handler) bool {
		if req.Method != http.MethodGet || !strings.Contains(req.URL.Path, "/blobs/") {
			return false
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return false
		}
		w.WriteHeader(http.StatusOK) // chunked: no Content-Length
		_, _ = io.Copy(w, rec.Body)
		w.(http.Flusher).Flush()
		return true
	})
	c := hostileClient(t, front.Host, Options{MaxRetries: 5})
	_, err := c.Pull(t.Context(), "oci://"+front.Host+"/h/hello:lie", PullOptions{})
	if err == nil || !strings.Contains(err.Error(), "want 65536") {
		t.Fatalf("error = %v, want the size mismatch", err)
	}
	if n := front.blobGets.Load(); n != 2 { // the config, then the chart once
		t.Errorf("%d blob downloads, want 2 (config, chart once)", n)
	}
}
