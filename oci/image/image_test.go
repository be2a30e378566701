package image

import (
	"archive/tar"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	registrytest "github.com/berth-dev/berth/registry-test"
)

func randomImage(t testing.TB, size int64, layers int) v1.Image {
	t.Helper()
	img, err := random.Image(size, int64(layers))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// writeArchive writes images as one `docker save` archive, tagged by refs.
func writeArchive(t testing.TB, path string, imgs map[string]v1.Image) {
	t.Helper()
	refs := map[name.Tag]v1.Image{}
	for r, img := range imgs {
		tag, err := name.NewTag(r)
		if err != nil {
			t.Fatal(err)
		}
		refs[tag] = img
	}
	if err := tarball.MultiWriteToFile(path, refs); err != nil {
		t.Fatal(err)
	}
}

func twoPlatformIndex(t testing.TB) v1.ImageIndex {
	t.Helper()
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: randomImage(t, 2048, 2), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: randomImage(t, 2048, 2), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}},
	)
	return idx
}

func testOptions(r *registrytest.Registry, events *[]Event, mu *sync.Mutex) Options {
	o := Options{PlainHTTP: r.PlainHTTP, Transport: r.HTTPClient().Transport}
	if events != nil {
		o.Progress = func(e Event) { mu.Lock(); *events = append(*events, e); mu.Unlock() }
	}
	return o
}

func mustDigest(t testing.TB, a Artifact) string {
	t.Helper()
	d, err := Digest(a)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestArchivePushKeepsDigest(t *testing.T) {
	dir := t.TempDir()
	a, b := randomImage(t, 4096, 3), randomImage(t, 4096, 2)
	tarPath := filepath.Join(dir, "images.tar")
	writeArchive(t, tarPath, map[string]v1.Image{"example.com/app:1.0": a, "example.com/worker:2.0": b})

	got, err := Open(t.Context(), tarPath+":example.com/worker:2.0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if mustDigest(t, got) != mustDigest(t, b) {
		t.Fatalf("picked %s, want worker %s", mustDigest(t, got), mustDigest(t, b))
	}
	if _, err := Open(t.Context(), tarPath, Options{}); err == nil || !strings.Contains(err.Error(), "holds 2 images") {
		t.Fatalf("ambiguous archive: err = %v", err)
	}
	if _, err := Open(t.Context(), tarPath+":example.com/nope:1", Options{}); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "example.com/app:1.0") {
		t.Fatalf("unknown tag: err = %v", err)
	}

	r := registrytest.Start(t)
	var mu sync.Mutex
	var events []Event
	p, err := NewPusher(testOptions(r, &events, &mu))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := p.Push(t.Context(), got, r.Host+"/ns/worker")
	if err != nil {
		t.Fatal(err)
	}
	if want := r.Host + "/ns/worker@" + mustDigest(t, b); ref != want {
		t.Fatalf("pushed %s, want %s", ref, want)
	}
	remoteDigest(t, r, ref, mustDigest(t, b))
	var sent int64
	for _, e := range events {
		if e.Kind == BlobDone {
			sent += e.Bytes
		}
	}
	if sent == 0 {
		t.Fatal("no bytes reported as sent")
	}
}

// remoteDigest checks, with go-containerregistry as a crane-level client,
// that ref resolves to want in the registry.
func remoteDigest(t testing.TB, r *registrytest.Registry, ref, want string) {
	t.Helper()
	nr, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Get(nr, remote.WithTransport(r.HTTPClient().Transport))
	if err != nil {
		t.Fatal(err)
	}
	if desc.Digest.String() != want {
		t.Fatalf("registry has %s at %s, want %s", desc.Digest, ref, want)
	}
}

func TestIndexFromLayoutTarKeptWholeAndMounted(t *testing.T) {
	idx := twoPlatformIndex(t)
	dir := t.TempDir()
	lp, err := layout.Write(filepath.Join(dir, "layout"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendIndex(idx, layout.WithAnnotations(map[string]string{AnnotationRefName: "multi:1"})); err != nil {
		t.Fatal(err)
	}
	tarPath := filepath.Join(dir, "layout.tar")
	tarDir(t, filepath.Join(dir, "layout"), tarPath)

	for _, src := range []string{filepath.Join(dir, "layout"), tarPath + ":multi:1", "oci:" + tarPath} {
		got, err := Open(t.Context(), src, Options{})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if mustDigest(t, got) != mustDigest(t, idx) {
			t.Fatalf("%s: digest %s, want %s", src, mustDigest(t, got), mustDigest(t, idx))
		}
	}
	got, _ := Open(t.Context(), tarPath, Options{})
	r := registrytest.Start(t)
	var mu sync.Mutex
	var events []Event
	p, _ := NewPusher(testOptions(r, &events, &mu))
	ref, err := p.Push(t.Context(), got, r.Host+"/ns/a")
	if err != nil {
		t.Fatal(err)
	}
	remoteDigest(t, r, ref, mustDigest(t, idx))
	events = nil
	// The same blobs into a second repository: mounted, nothing sent.
	if _, err := p.Push(t.Context(), got, r.Host+"/ns/b"); err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Kind == BlobDone && (e.Bytes != 0 || !e.Mounted) {
			t.Fatalf("blob %s to ns/b: sent %d bytes, mounted=%v", e.Digest, e.Bytes, e.Mounted)
		}
	}
}

func tarDir(t testing.TB, dir, dest string) {
	t.Helper()
	f, err := os.Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestBadSources(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.tar")
	writeArchive(t, corrupt, map[string]v1.Image{"example.com/app:1": randomImage(t, 4096, 1)})
	b, _ := os.ReadFile(corrupt)
	os.WriteFile(corrupt, b[:len(b)/2], 0o644)
	notDocker := filepath.Join(dir, "files.tar")
	tarDir(t, t.TempDir(), notDocker) // empty folder: a valid but empty tar
	other := filepath.Join(dir, "other.tar")
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "hello.txt"), []byte("hi"), 0o644)
	tarDir(t, src, other)
	garbage := filepath.Join(dir, "garbage.tar")
	os.WriteFile(garbage, []byte(strings.Repeat("not a tar ", 100)), 0o644)

	for _, c := range []struct{ src, want string }{
		{corrupt, "corrupt.tar"},
		{notDocker, "empty or not a tar"},
		{other, "neither a `docker save` archive"},
		{garbage, "not a readable tar"},
		{filepath.Join(dir, "missing.tar"), "no such file"},
	} {
		_, err := Open(t.Context(), c.src, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", c.src, err, c.want)
		}
	}
}

func TestDaemonUnreachable(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no-docker.sock"))
	_, err := Open(t.Context(), "docker-daemon:example.com/app:1", Options{})
	if err == nil || !strings.Contains(err.Error(), "no Docker daemon reachable") {
		t.Fatalf("err = %v", err)
	}
}

func TestArchiveDigestCache(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	tarPath := filepath.Join(dir, "app.tar")
	first := randomImage(t, 4096, 3)
	writeArchive(t, tarPath, map[string]v1.Image{"example.com/app:1": first})
	for range 2 {
		got, err := Open(t.Context(), tarPath, Options{DigestCacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		if mustDigest(t, got) != mustDigest(t, first) {
			t.Fatalf("digest %s, want %s", mustDigest(t, got), mustDigest(t, first))
		}
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 3 {
		t.Fatalf("cache holds %d entries, want one per layer (3)", len(entries))
	}
	// The same path rewritten with another image never hits the old entries.
	second := randomImage(t, 4096, 3)
	os.Remove(tarPath)
	writeArchive(t, tarPath, map[string]v1.Image{"example.com/app:1": second})
	got, err := Open(t.Context(), tarPath, Options{DigestCacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if mustDigest(t, got) != mustDigest(t, second) {
		t.Fatalf("after rewrite: digest %s, want %s", mustDigest(t, got), mustDigest(t, second))
	}
}
