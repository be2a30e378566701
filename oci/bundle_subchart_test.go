package oci

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// wordpress deploys its own image and its mariadb subchart's. Saved with
// values that point both at a local registry (no network), the bundle is
// pushed elsewhere and every image, the subchart's included, is rewritten.
func TestBundleRelocatesSubchartImages(t *testing.T) {
	src, dst := registrytest.Start(t), registrytest.Start(t)
	dir, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	ch, err := chartfmt.LoadDir(filepath.Join(dir, "wordpress"))
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]any{
		"image":   map[string]any{"registry": src.Host},
		"mariadb": map[string]any{"image": map[string]any{"registry": src.Host}},
		"global":  map[string]any{"security": map[string]any{"allowInsecureImages": true}},
	}
	refs, err := ChartImages(t.Context(), ch, vals, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) < 2 {
		t.Fatalf("wordpress renders %v; want its image and mariadb's", refs)
	}
	for _, ref := range refs {
		img, _ := random.Image(1024, 1)
		r, err := name.ParseReference(ref)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(r, img, remote.WithTransport(src.HTTPClient().Transport)); err != nil {
			t.Fatal(err)
		}
	}
	tgz, err := chartfmt.Package(ch, chartfmt.PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "wp.tar")
	if _, err := clientFor(t, src, "", "").BundleSave(t.Context(), tgz, bundle, BundleOptions{Values: vals}); err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, dst, "", "")
	res, err := c.BundlePush(t.Context(), bundle, "oci://"+dst.Host+"/edge", RelocateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := newOracle(t).run("", "template", "rel", "oci://"+dst.Host+"/edge/wordpress", "--version", ch.Metadata.Version,
		"--plain-http", "--kube-version", "1.37.0")
	for _, ri := range res.Images {
		pinned := regexp.MustCompile(regexp.QuoteMeta(dst.Host+"/edge/"+repoOf(ri.Name)[strings.LastIndex(repoOf(ri.Name), "/")+1:]) + `(:[^@"\s]+)?@` + regexp.QuoteMeta(ri.Digest))
		if !pinned.MatchString(out) {
			t.Fatalf("helm template of the relocated wordpress lacks %s at %s", ri.Name, ri.Digest)
		}
	}
	if strings.Contains(out, src.Host) || strings.Contains(out, "docker.io/bitnami/mariadb") {
		t.Fatal("relocated wordpress still references the original images")
	}
}
