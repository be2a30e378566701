package image

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/berth-dev/berth/oci/image/dockertest"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// configDigest is the image ID Docker gives the image a holds.
func configDigest(t testing.TB, a Artifact) string {
	t.Helper()
	img, ok := a.(v1.Image)
	if !ok {
		t.Fatalf("%T is not an image", a)
	}
	h, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

// The daemon source pushes, without docker save or load, the image
// `docker push` pushes: same manifest digest, and `docker pull` of what berth
// pushed gives back the same image ID after the local copy is removed.
func TestDockerDaemonDigestEqualsDockerPush(t *testing.T) {
	d := dockertest.Require(t)
	reg := registrytest.Start(t)
	ref := dockertest.UniqueName("daemon") + ":1"
	id := d.Build(ref, 300<<10, 200<<10)

	a, err := Open(t.Context(), PrefixDaemon+ref, testOptions(reg, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := configDigest(t, a); got != id {
		t.Fatalf("config digest %s, docker image ID %s", got, id)
	}
	p, err := NewPusher(testOptions(reg, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := p.Push(t.Context(), a, reg.Host+"/ns/berth")
	if err != nil {
		t.Fatal(err)
	}

	theirs := reg.Host + "/ns/docker:1"
	d.Tag(ref, theirs)
	if want, got := d.Push(theirs), mustDigest(t, a); got != want {
		t.Errorf("daemon source digest %s, docker push digest %s", got, want)
	}

	d.Remove(ref, theirs)
	if got := d.Pull(pinned); got != id {
		t.Errorf("docker pull %s: image ID %s, built %s", pinned, got, id)
	}
}

// A repository with several tags and no tag given is read as docker reads
// it (REPO means REPO:latest), not as an export of every tag.
func TestDockerDaemonRepositoryWithSeveralTags(t *testing.T) {
	d := dockertest.Require(t)
	repo := dockertest.UniqueName("tags")
	latest := d.Build(repo+":latest", 20<<10)
	other := d.Build(repo+":2", 30<<10)
	for source, want := range map[string]string{repo: latest, repo + ":2": other, latest: latest} {
		a, err := Open(t.Context(), PrefixDaemon+source, Options{})
		if err != nil {
			t.Fatalf("%s: %v", source, err)
		}
		if got := configDigest(t, a); got != want {
			t.Errorf("%s: image %s, want %s", source, got, want)
		}
	}
}

func TestDockerDaemonMissingImageNamesIt(t *testing.T) {
	dockertest.Require(t)
	ref := dockertest.UniqueName("absent") + ":1"
	_, err := Open(t.Context(), PrefixDaemon+ref, Options{})
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), ref) {
		t.Fatalf("err = %v, want ErrNotFound naming %s", err, ref)
	}
}

// Archives written by this Docker Engine's `docker save`: one image, and
// several images under several tags, each picked by tag; the pushed digest
// is the one `docker push` gives.
func TestDockerSaveArchives(t *testing.T) {
	d := dockertest.Require(t)
	reg := registrytest.Start(t)
	app, worker := dockertest.UniqueName("app"), dockertest.UniqueName("worker")
	appID := d.Build(app+":1", 100<<10, 50<<10)
	workerID := d.Build(worker+":2", 80<<10)
	d.Tag(app+":1", app+":latest")
	d.Tag(app+":1", "example.com/team/"+app+":1.0")

	dir := t.TempDir()
	single := filepath.Join(dir, "app.tar")
	multi := filepath.Join(dir, "all.tar")
	d.Run("save", "-o", single, app+":1")
	d.Run("save", "-o", multi, app+":1", app+":latest", "example.com/team/"+app+":1.0", worker+":2")

	theirs := reg.Host + "/ns/" + app + ":1"
	d.Tag(app+":1", theirs)
	pushed := d.Push(theirs)

	opts := testOptions(reg, nil, nil)
	for _, c := range []struct{ source, id string }{
		{single, appID},
		{single + ":" + app + ":1", appID},
		{multi + ":" + app + ":latest", appID},
		{multi + ":example.com/team/" + app + ":1.0", appID},
		{multi + ":" + worker + ":2", workerID},
		{PrefixArchive + multi + ":" + worker + ":2", workerID},
	} {
		a, err := Open(t.Context(), c.source, opts)
		if err != nil {
			t.Errorf("%s: %v", c.source, err)
			continue
		}
		if got := configDigest(t, a); got != c.id {
			t.Errorf("%s: picked image %s, want %s", c.source, got, c.id)
		}
		if c.id == appID && mustDigest(t, a) != pushed {
			t.Errorf("%s: digest %s, docker push %s", c.source, mustDigest(t, a), pushed)
		}
	}

	_, err := Open(t.Context(), multi, opts)
	if err == nil || !strings.Contains(err.Error(), worker+":2") {
		t.Errorf("untagged pick from a multi-image archive: err = %v, want the tags listed", err)
	}
	_, err = Open(t.Context(), multi+":"+app+":2", opts)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing tag: err = %v, want ErrNotFound", err)
	}
	for _, tag := range []string{app + ":1", app + ":latest", app + ":1.0", worker + ":2"} {
		if !strings.Contains(err.Error(), tag) {
			t.Errorf("missing tag error does not name %s: %v", tag, err)
		}
	}

	p, err := NewPusher(opts)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(t.Context(), multi+":"+worker+":2", opts)
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := p.Push(t.Context(), a, reg.Host+"/ns/"+worker)
	if err != nil {
		t.Fatal(err)
	}
	d.Remove(worker + ":2")
	if got := d.Pull(pinned); got != workerID {
		t.Errorf("docker pull %s: image ID %s, saved %s", pinned, got, workerID)
	}
}

// An image released before is not compressed again up front: its layers'
// gzip digests come from the cache (keyed by diffID) and the layers are
// compressed while uploading, to the same bytes the registry verifies.
func TestDockerDaemonCachedGzipDigests(t *testing.T) {
	d := dockertest.Require(t)
	reg := registrytest.Start(t)
	ref := dockertest.UniqueName("cache") + ":1"
	id := d.Build(ref, 200<<10, 100<<10)
	opts := testOptions(reg, nil, nil)
	opts.DigestCacheDir = t.TempDir()

	first, err := Open(t.Context(), PrefixDaemon+ref, opts)
	if err != nil {
		t.Fatal(err)
	}
	cached, _ := os.ReadDir(opts.DigestCacheDir)
	if len(cached) != 2 {
		t.Fatalf("%d cache entries after the first open, want one per layer (2)", len(cached))
	}
	second, err := Open(t.Context(), PrefixDaemon+ref, opts)
	if err != nil {
		t.Fatal(err)
	}
	if mustDigest(t, second) != mustDigest(t, first) {
		t.Fatalf("digest %s from the cache, %s computed", mustDigest(t, second), mustDigest(t, first))
	}
	p, err := NewPusher(opts)
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := p.Push(t.Context(), second, reg.Host+"/ns/cached")
	if err != nil {
		t.Fatal(err)
	}
	d.Remove(ref)
	if got := d.Pull(pinned); got != id {
		t.Errorf("docker pull %s: image ID %s, built %s", pinned, got, id)
	}

	// The second open did use the cache: a wrong entry changes the digest.
	for _, e := range cached {
		bogus := "sha256:" + strings.Repeat("0", 64) + " 123"
		if err := os.WriteFile(filepath.Join(opts.DigestCacheDir, e.Name()), []byte(bogus), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d.Tag(pinned, ref)
	third, err := Open(t.Context(), PrefixDaemon+ref, opts)
	if err != nil {
		t.Fatal(err)
	}
	if mustDigest(t, third) == mustDigest(t, first) {
		t.Error("a corrupted cache did not change the digest: the cache is not read")
	}
}

// Reading an image out of the daemon reports progress like an upload does:
// a start, byte counts as the export streams, and a done event carrying the
// bytes read, all marked Exported and named by the image ID.
func TestDockerDaemonExportReportsProgress(t *testing.T) {
	d := dockertest.Require(t)
	ref := dockertest.UniqueName("progress") + ":1"
	id := d.Build(ref, 3<<20)
	var events []Event
	var mu sync.Mutex
	opts := Options{Progress: func(e Event) { mu.Lock(); events = append(events, e); mu.Unlock() }}
	if _, err := Open(t.Context(), PrefixDaemon+ref, opts); err != nil {
		t.Fatal(err)
	}
	var progress int
	for _, e := range events {
		if !e.Exported || e.Digest != id || e.Repository != PrefixDaemon+ref {
			t.Fatalf("event %+v: want an export event of %s named %s", e, PrefixDaemon+ref, id)
		}
		if e.Kind == BlobProgress {
			progress++
		}
	}
	if len(events) < 3 || events[0].Kind != BlobStart || progress == 0 {
		t.Fatalf("events %+v: want a start, progress and a done", events)
	}
	last := events[len(events)-1]
	if last.Kind != BlobDone || last.Size < 3<<20 || last.Bytes < last.Size {
		t.Errorf("last event %+v: want done with every byte of the %d-byte image read", last, last.Size)
	}
}
