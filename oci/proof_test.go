package oci

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// packageVersion packages podinfo with helm at the given version.
func packageVersion(t *testing.T, h *oracle, version string) []byte {
	t.Helper()
	dir, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	h.run("", "package", filepath.Join(dir, "podinfo"), "--version", version, "-d", dest)
	files, _ := filepath.Glob(filepath.Join(dest, "*.tgz"))
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReproduciblePush(t *testing.T) {
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	r := registrytest.Start(t)
	p := registrytest.NewProxy(t, r)
	// Two "machines": separate clients and caches, and separate file copies
	// whose mtimes differ (helm's created annotation would differ here).
	first, err := clientFor(t, p.Registry, "", "").Push(t.Context(), tgz, "oci://"+p.Registry.Host+"/charts", PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Uploaded != 2 || p.BlobUploadBytes() < int64(len(tgz)) {
		t.Fatalf("first push uploaded %d blobs, %d bytes", first.Uploaded, p.BlobUploadBytes())
	}
	p.Reset()
	second, err := clientFor(t, p.Registry, "", "").Push(t.Context(), bytes.Clone(tgz), "oci://"+p.Registry.Host+"/charts", PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if second.Digest != first.Digest {
		t.Fatalf("two pushes of one chart gave %s and %s", first.Digest, second.Digest)
	}
	if second.Uploaded != 0 || p.BlobUploadBytes() != 0 {
		t.Fatalf("re-push uploaded %d blobs, %d bytes; want 0", second.Uploaded, p.BlobUploadBytes())
	}
	if !strings.HasPrefix(first.Pinned, "oci://"+p.Registry.Host+"/charts/podinfo@sha256:") {
		t.Fatalf("pinned ref %s", first.Pinned)
	}
	// SOURCE_DATE_EPOCH (passed as Created) changes only the annotation.
	third, err := clientFor(t, r, "", "").Push(t.Context(), tgz, "oci://"+r.Host+"/charts", PushOptions{Created: time.Unix(1700000000, 0), Force: true})
	if err != nil || third.Digest == first.Digest {
		t.Fatalf("explicit created: %v, digest %s", err, third.Digest)
	}
}

func TestPullResolution(t *testing.T) {
	h := newOracle(t)
	r := registrytest.Start(t)
	c := clientFor(t, r, "", "")
	ctx := t.Context()
	digests := map[string]string{}
	for _, v := range []string{"1.0.0", "1.1.0", "1.1.1+build.7", "2.0.0-rc.1"} {
		res, err := c.Push(ctx, packageVersion(t, h, v), "oci://"+r.Host+"/charts", PushOptions{})
		if err != nil {
			t.Fatal(err)
		}
		digests[v] = res.Digest
	}
	base := "oci://" + r.Host + "/charts/podinfo"
	cases := []struct {
		ref, version string
		devel        bool
		want         string
	}{
		{base, "", false, "1.1.1+build.7"},
		{base, "~1.0", false, "1.0.0"},
		{base, "", true, "2.0.0-rc.1"},
		{base, "1.1.1+build.7", false, "1.1.1+build.7"},
		{base + ":1.0.0", "", false, "1.0.0"},
		{base + "@" + digests["1.1.0"], "", false, "1.1.0"},
		{base + ":1.1.0@" + digests["1.1.0"], "", false, "1.1.0"},
	}
	for _, tc := range cases {
		got, err := c.Pull(ctx, tc.ref, PullOptions{Version: tc.version, Devel: tc.devel})
		if err != nil {
			t.Fatalf("%s %q: %v", tc.ref, tc.version, err)
		}
		if got.Metadata.Version != tc.want || got.Digest != digests[tc.want] {
			t.Fatalf("%s %q: got %s %s, want %s", tc.ref, tc.version, got.Metadata.Version, got.Digest, tc.want)
		}
	}
	failures := []struct{ ref, version, want string }{
		{base + ":1.0.0@" + digests["1.1.0"], "", "digest mismatch"},
		{base + ":9.9.9@" + digests["1.1.0"], "", "tag 9.9.9 not found"},
		{base + "@sha256:" + strings.Repeat("0", 64), "", "not found"},
		{base + ":1.0.0", "1.1.0", "version mismatch"},
		{base, "^3", "no version"},
		{base, "4.0.0", "tag 4.0.0 not found"},
	}
	for _, f := range failures {
		_, err := c.Pull(ctx, f.ref, PullOptions{Version: f.version})
		if err == nil || !strings.Contains(err.Error(), f.want) {
			t.Fatalf("%s %q: want error containing %q, got %v", f.ref, f.version, f.want, err)
		}
	}
}

func TestAuthFailures(t *testing.T) {
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	ctx := t.Context()
	htp := registrytest.Start(t, registrytest.HtpasswdTLS())
	_, err := clientFor(t, htp, htp.Username, "wrong-secret").Push(ctx, tgz, "oci://"+htp.Host+"/charts", PushOptions{})
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("wrong password: %v", err)
	}
	bearer := registrytest.Start(t, registrytest.Bearer())
	if _, err := clientFor(t, bearer, bearer.Username, bearer.Password).Push(ctx, tgz, "oci://"+bearer.Host+"/charts", PushOptions{}); err != nil {
		t.Fatal(err)
	}
	reader := clientFor(t, bearer, bearer.ReadOnlyUsername, bearer.ReadOnlyPassword)
	if _, err := reader.Pull(ctx, "oci://"+bearer.Host+"/charts/podinfo", PullOptions{}); err != nil {
		t.Fatalf("reader pull: %v", err)
	}
	_, err = reader.Push(ctx, tgz, "oci://"+bearer.Host+"/other", PushOptions{})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("reader push: want refusal, got %v", err)
	}
	t.Logf("reader push: %v", err)
	expired := registrytest.Start(t, registrytest.Bearer(), registrytest.TokenTTL(-5*time.Minute))
	_, err = clientFor(t, expired, expired.Username, expired.Password).Pull(ctx, "oci://"+expired.Host+"/charts/podinfo", PullOptions{Version: "1.0.0"})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("expired token: %v", err)
	}
	t.Logf("expired token: %v", err)
	// --insecure-skip-tls-verify reaches a TLS registry without its CA.
	insecure, _ := NewClient(Options{InsecureSkipTLSVerify: true, Username: htp.Username, Password: htp.Password,
		CacheDir: t.TempDir(), DockerConfig: filepath.Join(t.TempDir(), "c.json")})
	if _, err := insecure.Push(ctx, tgz, "oci://"+htp.Host+"/charts", PushOptions{}); err != nil {
		t.Fatalf("insecure-skip-tls-verify: %v", err)
	}
	_, err = clientFor(t, bearer, bearer.Username, "bad-bearer-secret").Pull(ctx, "oci://"+bearer.Host+"/charts/podinfo", PullOptions{})
	if err == nil || strings.Contains(err.Error(), "bad-bearer-secret") {
		t.Fatalf("bearer wrong password: %v", err)
	}
	t.Logf("bearer wrong password: %v", err)
	// TLS without the CA is refused, never downgraded.
	c, _ := NewClient(Options{CacheDir: t.TempDir(), DockerConfig: filepath.Join(t.TempDir(), "c.json"), MaxRetries: -1})
	_, err = c.Pull(ctx, "oci://"+htp.Host+"/charts/podinfo", PullOptions{Version: "1.0.0"})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("unknown CA: %v", err)
	}
}

func TestTamperedRegistry(t *testing.T) {
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	r := registrytest.Start(t)
	p := registrytest.NewProxy(t, r)
	ctx := t.Context()
	res, err := clientFor(t, r, "", "").Push(ctx, tgz, "oci://"+r.Host+"/charts", PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, match := range map[string]func(*http.Request) bool{"blob": registrytest.BlobGET, "manifest": registrytest.ManifestGET} {
		p.Clear()
		p.Inject(&registrytest.Fault{Kind: registrytest.CorruptBody, Match: match})
		c := clientFor(t, p.Registry, "", "")
		_, err := c.Pull(ctx, "oci://"+p.Registry.Host+"/charts/podinfo", PullOptions{Version: res.Version})
		if !errors.Is(err, ErrDigestMismatch) {
			t.Fatalf("%s altered: want digest mismatch, got %v", name, err)
		}
		if n := countFiles(t, c.Cache().Dir()); n != 0 {
			t.Fatalf("%s altered: %d files entered the cache", name, n)
		}
	}
}

func TestTransientFaultsAndCache(t *testing.T) {
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	r := registrytest.Start(t, registrytest.HtpasswdTLS())
	p := registrytest.NewProxy(t, r)
	ctx := t.Context()
	c := clientFor(t, p.Registry, r.Username, r.Password)
	kinds := []registrytest.FaultKind{registrytest.Status500, registrytest.TooManyRequests, registrytest.ResetConnection, registrytest.TruncateBody}
	var faults []*registrytest.Fault
	inject := func(k registrytest.FaultKind, m func(*http.Request) bool) {
		f := &registrytest.Fault{Kind: k, Match: m, Times: 1}
		faults = append(faults, f)
		p.Inject(f)
	}
	for _, k := range kinds[:3] { // an upload body cannot be truncated by the server
		inject(k, registrytest.BlobUpload)
	}
	res, err := c.Push(ctx, tgz, "oci://"+p.Registry.Host+"/charts", PushOptions{})
	if err != nil {
		t.Fatalf("push through faults: %v", err)
	}
	p.Clear()
	for _, k := range kinds {
		inject(k, registrytest.BlobGET)
		inject(k, registrytest.ManifestGET)
	}
	c = clientFor(t, p.Registry, r.Username, r.Password) // an empty cache: the pull must download
	got, err := c.Pull(ctx, res.Pinned, PullOptions{})
	if err != nil {
		t.Fatalf("pull through faults: %v", err)
	}
	if !bytes.Equal(got.Chart, tgz) || got.Cached {
		t.Fatal("pulled chart differs")
	}
	for i, f := range faults {
		if f.Hits() != 1 {
			t.Fatalf("fault %d (kind %d) hit %d times, want 1", i, f.Kind, f.Hits())
		}
	}
	// A second pull of the same digest is served from the cache.
	p.Clear()
	p.Reset()
	again, err := c.Pull(ctx, res.Pinned, PullOptions{})
	if err != nil || !again.Cached || p.BlobGETs() != 0 || len(p.Requests()) != 0 {
		t.Fatalf("second pull: err=%v cached=%v blob GETs=%d requests=%v", err, again.Cached, p.BlobGETs(), p.Requests())
	}
	// A permanent fault fails with the registry's message.
	p.Inject(&registrytest.Fault{Kind: registrytest.Status500, Match: registrytest.ManifestGET})
	fresh := clientFor(t, p.Registry, r.Username, r.Password)
	_, err = fresh.Pull(ctx, res.Pinned, PullOptions{})
	if err == nil || !strings.Contains(err.Error(), "injected fault: internal server error") {
		t.Fatalf("permanent 500: %v", err)
	}
	if _, err := chartfmt.LoadArchive(bytes.NewReader(got.Chart)); err != nil {
		t.Fatal(err)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}
