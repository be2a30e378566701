package oci

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// Releasing the main image of each shared chart: every convention (bitnami
// registry+repository+digest with its image verification, ingress-nginx's
// registry+image, repository+tag, nested paths) is pinned, and helm (the
// oracle) renders the pushed chart with the pinned reference.
func TestReleaseSharedCharts(t *testing.T) {
	r := registrytest.Start(t)
	dir, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	tarPath := filepath.Join(t.TempDir(), "img.tar")
	imgs := saveImages(t, tarPath, 2048, 1, "example.com/x:1")
	d, _ := imgs[0].Digest()
	h := newOracle(t)
	c := clientFor(t, r, "", "")
	for _, tc := range []struct{ chart, name, path string }{
		{"podinfo", "podinfo", "image"},
		{"postgresql", "postgresql", "image"},
		{"redis", "redis", "image"},
		{"wordpress", "wordpress", "image"},
		{"nginx", "nginx", "image"},
		{"grafana", "grafana", "image"},
		{"ingress-nginx", "controller", "controller.image"},
		{"prometheus", "prometheus", "server.image"},
	} {
		t.Run(tc.chart, func(t *testing.T) {
			ch, err := chartfmt.LoadDir(filepath.Join(dir, tc.chart))
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Release(t.Context(), ch, ReleaseOptions{Images: []ImageSpec{{Name: tc.name, Source: tarPath}}, Dest: "oci://" + r.Host + "/rel"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Images[0].ValuePath != tc.path {
				t.Errorf("image %s mapped to %s, want %s", tc.name, res.Images[0].ValuePath, tc.path)
			}
			out := h.run("", "template", "rel", "oci://"+r.Host+"/rel/"+ch.Name(), "--version", ch.Metadata.Version,
				"--plain-http", "--kube-version", "1.37.0")
			repo := r.Host + "/rel/" + tc.name
			pinned := regexp.MustCompile(regexp.QuoteMeta(repo) + `(:[^@"\s]+)?@` + regexp.QuoteMeta(d.String()))
			if !pinned.MatchString(out) {
				t.Fatalf("helm template of the released %s lacks %s@%s", tc.chart, repo, d)
			}
		})
	}
}
