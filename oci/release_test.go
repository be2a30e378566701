package oci

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci/image"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// releaseChart writes a chart with three images, one per convention: app
// (repository+tag+digest), worker (bitnami registry+repository+digest) and
// sidecar (repository+tag only, so tag@digest is what pins it).
func releaseChart(t testing.TB) string { return chartFor(t, "example.com") }

// chartFor writes that chart with its images under host.
func chartFor(t testing.TB, host string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	files := map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.3.0\nappVersion: \"1.0\"\n",
		"values.yaml": `# Shop defaults.
image:
  repository: HOST/shop/app # built by CI
  tag: "1.0"
  digest: ""
worker:
  image:
    registry: HOST
    repository: shop/worker
    tag: "1.0"
    digest: ""
sidecar:
  repository: HOST/shop/sidecar
  tag: ""
`,
		"templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-shop
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      initContainers:
        - name: sidecar
          image: "{{ .Values.sidecar.repository }}:{{ .Values.sidecar.tag | default .Chart.AppVersion }}"
      containers:
        - name: app
          image: "{{ .Values.image.repository }}{{ if .Values.image.digest }}@{{ .Values.image.digest }}{{ else }}:{{ .Values.image.tag }}{{ end }}"
        - name: worker
          {{- $w := .Values.worker.image }}
          image: "{{ $w.registry }}/{{ $w.repository }}{{ if $w.digest }}@{{ $w.digest }}{{ else }}:{{ $w.tag }}{{ end }}"
`,
	}
	for n, body := range files {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(body, "HOST", host)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// saveImages writes random images as one `docker save` archive.
func saveImages(t testing.TB, path string, size int64, layers int, tags ...string) []v1.Image {
	t.Helper()
	refs := map[name.Tag]v1.Image{}
	var imgs []v1.Image
	for _, tg := range tags {
		img, err := random.Image(size, int64(layers))
		if err != nil {
			t.Fatal(err)
		}
		tag, _ := name.NewTag(tg)
		refs[tag] = img
		imgs = append(imgs, img)
	}
	if err := tarball.MultiWriteToFile(path, refs); err != nil {
		t.Fatal(err)
	}
	return imgs
}

func loadChart(t testing.TB, dir string) *chartfmt.Chart {
	t.Helper()
	ch, err := chartfmt.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func specsFor(tarPath string) []ImageSpec {
	return []ImageSpec{
		{Name: "app", Source: tarPath + ":example.com/shop/app:1.0"},
		{Name: "worker", Source: tarPath + ":example.com/shop/worker:1.0"},
		{Name: "sidecar", Source: tarPath + ":example.com/shop/sidecar:1.0"},
	}
}

func TestReleaseEndToEnd(t *testing.T) {
	r := registrytest.Start(t, registrytest.HtpasswdTLS())
	p := registrytest.NewProxy(t, r)
	tarPath := filepath.Join(t.TempDir(), "images.tar")
	imgs := saveImages(t, tarPath, 64<<10, 3, "example.com/shop/app:1.0", "example.com/shop/worker:1.0", "example.com/shop/sidecar:1.0")
	c := clientFor(t, p.Registry, r.Username, r.Password)
	ch := loadChart(t, releaseChart(t))
	var mu sync.Mutex
	var sent int64
	opts := ReleaseOptions{Images: specsFor(tarPath), Dest: "oci://" + p.Registry.Host + "/shop",
		Progress: func(e image.Event) {
			if e.Kind == image.BlobDone {
				mu.Lock()
				sent += e.Bytes
				mu.Unlock()
			}
		}}
	res, err := c.Release(t.Context(), ch, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sent == 0 || p.BlobUploadBytes() < sent {
		t.Fatalf("progress reported %d bytes, proxy saw %d", sent, p.BlobUploadBytes())
	}
	// The registry holds each image at the source's digest (checked with
	// go-containerregistry, as crane would).
	host := p.Registry.Host
	for i, ri := range res.Images {
		want, _ := imgs[i].Digest()
		if ri.Digest != want.String() || ri.Ref != host+"/shop/"+ri.Name+"@"+want.String() {
			t.Fatalf("image %s: released %s (%s), want digest %s", ri.Name, ri.Ref, ri.Digest, want)
		}
		if got := registryDigest(t, p.Registry, ri.Ref); got != want.String() {
			t.Fatalf("image %s: registry has %s, source %s", ri.Name, got, want)
		}
	}
	// helm (the oracle) pulls the chart and renders the pinned references.
	h := newOracle(t)
	h.login(p.Registry)
	args := append([]string{"template", "rel", "oci://" + host + "/shop/shop", "--version", "0.3.0"}, transportFlags(p.Registry)...)
	out := h.run("", args...)
	for _, ri := range res.Images {
		want := "image: \"" + ri.Ref + "\""
		if ri.Name == "sidecar" {
			want = "image: \"" + host + "/shop/sidecar:1.0@" + ri.Digest + "\""
		}
		if !strings.Contains(out, want) {
			t.Fatalf("helm template of the pushed chart lacks %s:\n%s", want, out)
		}
	}
	checkLinks(t, p.Registry, res)
	if !strings.HasPrefix(res.Chart.Pinned, "oci://"+host+"/shop/shop@sha256:") {
		t.Fatalf("chart pinned as %s", res.Chart.Pinned)
	}

	// Unchanged images: the second release sends no blob bytes at all.
	p.Reset()
	again, err := c.Release(t.Context(), loadChart(t, releaseChart(t)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := p.BlobUploadBytes(); n != 0 {
		t.Fatalf("second release uploaded %d blob bytes, want 0", n)
	}
	if again.Chart.Digest != res.Chart.Digest {
		t.Fatalf("unchanged release gave chart %s, then %s", res.Chart.Digest, again.Chart.Digest)
	}
}

func registryDigest(t testing.TB, r *registrytest.Registry, ref string) string {
	t.Helper()
	nr, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Get(nr, remote.WithTransport(r.HTTPClient().Transport),
		remote.WithAuth(&authn.Basic{Username: r.Username, Password: r.Password}))
	if err != nil {
		t.Fatal(err)
	}
	return desc.Digest.String()
}

func TestReleaseStopsBeforeChart(t *testing.T) {
	r := registrytest.Start(t)
	p := registrytest.NewProxy(t, r)
	tarPath := filepath.Join(t.TempDir(), "images.tar")
	saveImages(t, tarPath, 4096, 2, "example.com/shop/app:1.0", "example.com/shop/worker:1.0", "example.com/shop/sidecar:1.0")
	p.Inject(&registrytest.Fault{Kind: registrytest.Status500, Match: func(req *http.Request) bool {
		return strings.Contains(req.URL.Path, "/shop/sidecar/blobs/uploads")
	}})
	c := clientFor(t, p.Registry, "", "")
	_, err := c.Release(t.Context(), loadChart(t, releaseChart(t)), ReleaseOptions{Images: specsFor(tarPath), Dest: "oci://" + p.Registry.Host + "/shop"})
	if err == nil || !strings.Contains(err.Error(), "chart not pushed") || !strings.Contains(err.Error(), "image sidecar") {
		t.Fatalf("err = %v", err)
	}
	for _, req := range p.Requests() {
		// HEAD of the version tag is the immutability check before the images.
		if strings.Contains(req, "/shop/shop/") && !strings.HasPrefix(req, "HEAD ") {
			t.Fatalf("chart traffic after a failed image: %s", req)
		}
	}
}

func TestReleaseRefusesUnknownImageBeforePushing(t *testing.T) {
	r := registrytest.Start(t)
	p := registrytest.NewProxy(t, r)
	tarPath := filepath.Join(t.TempDir(), "images.tar")
	saveImages(t, tarPath, 4096, 1, "example.com/shop/app:1.0")
	c := clientFor(t, p.Registry, "", "")
	_, err := c.Release(t.Context(), loadChart(t, releaseChart(t)), ReleaseOptions{
		Images: []ImageSpec{{Name: "app", Source: tarPath}, {Name: "billing", Source: tarPath}},
		Dest:   "oci://" + p.Registry.Host + "/shop"})
	if err == nil || !strings.Contains(err.Error(), "image billing matches no value") || !strings.Contains(err.Error(), "worker.image (example.com/shop/worker:1.0)") {
		t.Fatalf("err = %v", err)
	}
	if n := len(p.Requests()); n != 0 {
		t.Fatalf("%d requests reached the registry: %v", n, p.Requests())
	}
}

// A token registry whose token server is on another port of 127.0.0.1:
// go-containerregistry alone refuses such realms; berth's auth bridge
// answers them, and a read-only account is refused before the chart.
func TestReleaseBearerRegistry(t *testing.T) {
	r := registrytest.Start(t, registrytest.Bearer())
	tarPath := filepath.Join(t.TempDir(), "images.tar")
	imgs := saveImages(t, tarPath, 4096, 2, "example.com/shop/app:1.0", "example.com/shop/worker:1.0", "example.com/shop/sidecar:1.0")
	opts := ReleaseOptions{Images: specsFor(tarPath), Dest: "oci://" + r.Host + "/shop"}

	_, err := clientFor(t, r, r.ReadOnlyUsername, r.ReadOnlyPassword).Release(t.Context(), loadChart(t, releaseChart(t)), opts)
	if err == nil || !strings.Contains(err.Error(), "chart not pushed") {
		t.Fatalf("read-only account: err = %v", err)
	}
	c := clientFor(t, r, r.Username, r.Password)
	res, err := c.Release(t.Context(), loadChart(t, releaseChart(t)), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, ri := range res.Images {
		got, err := image.Open(t.Context(), image.PrefixRegistry+ri.Ref, c.ImageOptions())
		if err != nil {
			t.Fatal(err)
		}
		want, _ := imgs[i].Digest()
		if d, _ := image.Digest(got); d != want.String() {
			t.Fatalf("image %s: registry has %s, want %s", ri.Name, d, want)
		}
	}
	if _, err := c.Pull(t.Context(), res.Chart.Pinned, PullOptions{}); err != nil {
		t.Fatal(err)
	}
}

// checkLinks proves the chart and its images name each other: the chart
// manifest's images annotation, and a referrer on every image naming the chart.
func checkLinks(t *testing.T, r *registrytest.Registry, res *ReleaseResult) {
	t.Helper()
	opts := []remote.Option{remote.WithTransport(r.HTTPClient().Transport),
		remote.WithAuth(&authn.Basic{Username: r.Username, Password: r.Password})}
	chartRef, _ := name.ParseReference(strings.TrimPrefix(res.Chart.Pinned, Scheme))
	desc, err := remote.Get(chartRef, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Annotations map[string]string }
	if err := json.Unmarshal(desc.Manifest, &m); err != nil {
		t.Fatal(err)
	}
	for _, ri := range res.Images {
		if !strings.Contains(m.Annotations[AnnotationImages], ri.Name+"="+ri.Ref) {
			t.Fatalf("chart annotation %s = %q lacks %s", AnnotationImages, m.Annotations[AnnotationImages], ri.Ref)
		}
		d, _ := name.NewDigest(ri.Ref)
		idx, err := remote.Referrers(d, opts...)
		if err != nil {
			t.Fatal(err)
		}
		im, _ := idx.IndexManifest()
		found := false
		for _, ref := range im.Manifests {
			found = found || ref.ArtifactType == ArtifactTypeChartRef && ref.Annotations[AnnotationChart] == res.Chart.Pinned
		}
		if !found {
			t.Fatalf("image %s: no referrer naming the chart %s: %+v", ri.Ref, res.Chart.Pinned, im.Manifests)
		}
	}
}

// berth.yaml beside Chart.yaml maps names to values; --image-value wins.
func TestReleaseMappingFromBerthYAML(t *testing.T) {
	r := registrytest.Start(t)
	dir := releaseChart(t)
	if err := os.WriteFile(filepath.Join(dir, "berth.yaml"), []byte("images:\n  api: image\n  jobs: sidecar\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tarPath := filepath.Join(t.TempDir(), "images.tar")
	saveImages(t, tarPath, 1024, 1, "example.com/a:1", "example.com/b:1", "example.com/c:1")
	res, err := clientFor(t, r, "", "").Release(t.Context(), loadChart(t, dir), ReleaseOptions{
		Images: []ImageSpec{
			{Name: "api", Source: tarPath + ":example.com/a:1"},
			{Name: "jobs", Source: tarPath + ":example.com/b:1"},
			{Name: "background", Source: tarPath + ":example.com/c:1"},
		},
		ValuePaths: map[string]string{"jobs": "worker.image", "background": "sidecar"},
		Dest:       "oci://" + r.Host + "/shop"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ri := range res.Images {
		got = append(got, ri.Name+"="+ri.ValuePath)
	}
	if strings.Join(got, " ") != "api=image jobs=worker.image background=sidecar" {
		t.Fatalf("mapping %v", got)
	}
}
