package oci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// The starter chart's test pod uses an image nothing else uses: bundle save
// carries it (role test) unless --skip-test-images, and bundle list says
// each image's role.
func TestBundleSaveIncludesTestHookImages(t *testing.T) {
	src := registrytest.Start(t)
	refs := map[string]string{}
	for _, n := range []string{"app/web:1.0", "tools/busybox:1.37"} {
		img, _ := random.Image(2048, 1)
		ref, _ := name.ParseReference(src.Host + "/" + n)
		if err := remote.Write(ref, img, remote.WithTransport(src.HTTPClient().Transport)); err != nil {
			t.Fatal(err)
		}
		refs[n] = ref.String()
	}
	dir, err := chartfmt.Create(filepath.Join(t.TempDir(), "web"))
	if err != nil {
		t.Fatal(err)
	}
	// The starter's test pod names Docker Hub's busybox; point it at the test
	// registry, which the test can reach.
	testPod := filepath.Join(dir, "templates", "tests", "test-connection.yaml")
	body, err := os.ReadFile(testPod)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "docker.io/library/busybox:1.37") {
		t.Fatalf("starter test pod no longer uses busybox:\n%s", body)
	}
	body = []byte(strings.ReplaceAll(string(body), "docker.io/library/busybox:1.37", refs["tools/busybox:1.37"]))
	if err := os.WriteFile(testPod, body, 0o644); err != nil {
		t.Fatal(err)
	}
	// And its workload at the test registry's web image, in the chart's own
	// values (bundle push rewrites the values the chart ships with).
	valuesFile := filepath.Join(dir, "values.yaml")
	values, err := os.ReadFile(valuesFile)
	if err != nil {
		t.Fatal(err)
	}
	values = []byte(strings.Replace(strings.Replace(string(values), "docker.io/nginxinc/nginx-unprivileged", src.Host+"/app/web", 1),
		`tag: ""`, `tag: "1.0"`, 1))
	if err := os.WriteFile(valuesFile, values, 0o644); err != nil {
		t.Fatal(err)
	}
	tgz, err := chartfmt.Package(loadChart(t, dir), chartfmt.PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, src, "", "")

	bundle := filepath.Join(t.TempDir(), "all.tar")
	if _, err := c.BundleSave(t.Context(), tgz, bundle, BundleOptions{}); err != nil {
		t.Fatal(err)
	}
	listed, err := BundleList(bundle)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{}
	for _, e := range listed[1:] {
		roles[e.Ref] = e.Role
	}
	want := map[string]string{refs["app/web:1.0"]: RoleWorkload, refs["tools/busybox:1.37"]: RoleTest}
	if len(roles) != len(want) || roles[refs["app/web:1.0"]] != RoleWorkload || roles[refs["tools/busybox:1.37"]] != RoleTest {
		t.Fatalf("bundle images and roles %v, want %v", roles, want)
	}

	skipped := filepath.Join(t.TempDir(), "skip.tar")
	if _, err := c.BundleSave(t.Context(), tgz, skipped, BundleOptions{SkipTestImages: true}); err != nil {
		t.Fatal(err)
	}
	listed, err = BundleList(skipped)
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 2 || listed[1].Ref != refs["app/web:1.0"] {
		t.Fatalf("with SkipTestImages the bundle holds %+v, want the chart and %s", listed, refs["app/web:1.0"])
	}

	// The far side gets the test image too.
	dst := registrytest.Start(t)
	res, err := clientFor(t, dst, "", "").BundlePush(t.Context(), bundle, "oci://"+dst.Host+"/edge", RelocateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Images) != 2 {
		t.Fatalf("bundle push pushed %+v, want both images", res.Images)
	}
}
