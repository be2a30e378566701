package oci

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// seedImages puts the shop images into r: app and worker as images,
// sidecar as a two-platform index. It returns their digests by name.
func seedImages(t *testing.T, r *registrytest.Registry) map[string]string {
	t.Helper()
	opts := []remote.Option{remote.WithTransport(r.HTTPClient().Transport)}
	if r.Username != "" {
		opts = append(opts, remote.WithAuth(&authn.Basic{Username: r.Username, Password: r.Password}))
	}
	out := map[string]string{}
	for _, n := range []string{"app", "worker"} {
		img, err := random.Image(8192, 2)
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := name.ParseReference(r.Host + "/shop/" + n + ":1.0")
		if err := remote.Write(ref, img, opts...); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		out[n] = d.String()
	}
	a, _ := random.Image(4096, 1)
	b, _ := random.Image(4096, 1)
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: a, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: b, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}})
	ref, _ := name.ParseReference(r.Host + "/shop/sidecar:1.0")
	if err := remote.WriteIndex(ref, idx, opts...); err != nil {
		t.Fatal(err)
	}
	d, _ := idx.Digest()
	out["sidecar"] = d.String()
	return out
}

func TestBundleSavePushAndCopy(t *testing.T) {
	src := registrytest.Start(t)
	digests := seedImages(t, src)
	ch := loadChart(t, chartFor(t, src.Host))
	tgz, err := chartfmt.Package(ch, chartfmt.PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// An extra image the chart does not render (a debug tool, say).
	extraImg, _ := random.Image(2048, 1)
	extraRef, _ := name.ParseReference(src.Host + "/tools/debug:1")
	if err := remote.Write(extraRef, extraImg, remote.WithTransport(src.HTTPClient().Transport)); err != nil {
		t.Fatal(err)
	}
	extraDigest, _ := extraImg.Digest()
	bundle := filepath.Join(t.TempDir(), "release.tar")
	entries, err := clientFor(t, src, "", "").BundleSave(t.Context(), tgz, bundle, BundleOptions{Extra: []string{extraRef.String()}})
	if err != nil {
		t.Fatal(err)
	}
	listed, err := BundleList(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 || len(listed) != 5 || listed[0].Kind != KindChart || listed[0].Ref != "shop:0.3.0" {
		t.Fatalf("bundle holds %+v (save said %+v)", listed, entries)
	}
	if !reflect.DeepEqual(listed, entries) {
		t.Fatalf("bundle list says %+v, bundle save said %+v", listed, entries)
	}
	for _, e := range listed[1:] {
		if e.Extra {
			if e.Ref != extraRef.String() || e.Digest != extraDigest.String() {
				t.Fatalf("extra entry %+v, want %s at %s", e, extraRef, extraDigest)
			}
			continue
		}
		n := strings.TrimSuffix(strings.TrimPrefix(e.Ref, src.Host+"/shop/"), ":1.0")
		if digests[n] != e.Digest || e.Size == 0 {
			t.Fatalf("bundle entry %+v, want digest %s", e, digests[n])
		}
	}

	// Air gap: push the bundle to another registry (htpasswd + TLS).
	// Behind a proxy, to count the bytes the copies below send.
	p := registrytest.NewProxy(t, registrytest.Start(t, registrytest.HtpasswdTLS()))
	dst := p.Registry
	res, err := clientFor(t, dst, dst.Username, dst.Password).BundlePush(t.Context(), bundle, "oci://"+dst.Host+"/edge", RelocateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := registryDigest(t, dst, dst.Host+"/edge/debug@"+extraDigest.String()); got != extraDigest.String() {
		t.Fatalf("extra image not relocated: %s", got)
	}
	for _, ri := range res.Images {
		if ri.Name == extraRef.String() {
			continue
		}
		n := repoOf(ri.Name)[len("shop/"):]
		if got := registryDigest(t, dst, dst.Host+"/edge/"+n+"@"+digests[n]); got != digests[n] || ri.Digest != digests[n] {
			t.Fatalf("image %s: destination has %s, released %s, source %s", n, got, ri.Digest, digests[n])
		}
	}
	h := newOracle(t)
	h.login(dst)
	out := h.run("", append([]string{"template", "rel", "oci://" + dst.Host + "/edge/shop", "--version", "0.3.0"}, transportFlags(dst)...)...)
	for _, want := range []string{
		"image: \"" + dst.Host + "/edge/app@" + digests["app"] + "\"",
		"image: \"" + dst.Host + "/edge/worker@" + digests["worker"] + "\"",
		"image: \"" + dst.Host + "/edge/sidecar:1.0@" + digests["sidecar"] + "\"",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("helm template of the relocated chart lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, src.Host) {
		t.Fatalf("relocated chart still references the source registry:\n%s", out)
	}

	// Relocation to another namespace of the same registry, byte for byte
	// without images, rewritten with them; blobs are mounted, not sent.
	p.Reset()
	third := dst
	c := clientFor(t, third, dst.Username, dst.Password)
	from := res.Chart.Pinned
	copied, err := c.Copy(t.Context(), from, "oci://"+third.Host+"/mirror", CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if copied.Chart.Digest != res.Chart.Digest || len(copied.Images) != 0 {
		t.Fatalf("chart-only copy gave %s (%d images), want the same digest %s", copied.Chart.Digest, len(copied.Images), res.Chart.Digest)
	}
	withImages, err := c.Copy(t.Context(), from, "oci://"+third.Host+"/mirror", CopyOptions{WithImages: true,
		RelocateOptions: RelocateOptions{Force: true}}) // the chart-only copy holds this version's tag
	if err != nil {
		t.Fatal(err)
	}
	if len(withImages.Images) != 3 {
		t.Fatalf("copied images %+v", withImages.Images)
	}
	if n := p.BlobUploadBytes(); n > 4096 {
		t.Fatalf("copies within one registry uploaded %d blob bytes; images should be mounted", n)
	}
	pulled, err := c.Pull(t.Context(), withImages.Chart.Pinned, PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mirrored, err := chartfmt.LoadArchive(bytesReader(pulled.Chart))
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := ChartImages(t.Context(), mirrored, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{third.Host + "/mirror/app@" + digests["app"], third.Host + "/mirror/sidecar:1.0@" + digests["sidecar"], third.Host + "/mirror/worker@" + digests["worker"]}
	if strings.Join(imgs, " ") != strings.Join(want, " ") {
		t.Fatalf("mirrored chart renders %v, want %v", imgs, want)
	}
	for n, d := range digests {
		if got := registryDigest(t, third, third.Host+"/mirror/"+n+"@"+d); got != d {
			t.Fatalf("mirror %s: %s, want %s", n, got, d)
		}
	}
}

func TestBundleErrors(t *testing.T) {
	dir := t.TempDir()
	// An image that cannot be read: clear error, no bundle file left behind.
	r := registrytest.Start(t)
	tgz, err := chartfmt.Package(loadChart(t, chartFor(t, r.Host)), chartfmt.PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "partial.tar")
	_, err = clientFor(t, r, "", "").BundleSave(t.Context(), tgz, out, BundleOptions{})
	if err == nil || !strings.Contains(err.Error(), r.Host+"/shop/") {
		t.Fatalf("bundle of missing images: err = %v", err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*partial*")); len(leftovers) != 0 {
		t.Fatalf("failed save left %v", leftovers)
	}
	notBundle := filepath.Join(dir, "images.tar")
	saveImages(t, notBundle, 1024, 1, "example.com/a:1")
	garbage := filepath.Join(dir, "garbage.tar")
	os.WriteFile(garbage, []byte(strings.Repeat("x", 3000)), 0o644)
	for _, c := range []struct{ path, want string }{
		{notBundle, "not an OCI layout"},
		{garbage, "not a readable tar"},
		{filepath.Join(dir, "missing.tar"), "no such file"},
	} {
		if _, err := BundleList(c.path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.path, err, c.want)
		}
	}
}
