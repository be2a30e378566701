package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	orasremote "oras.land/oras-go/v2/registry/remote"

	"github.com/berth-dev/berth/oci"
	registrytest "github.com/berth-dev/berth/registry-test"
)

func TestBundleAndCopyCommands(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "")
	src, dst := registrytest.Start(t), registrytest.Start(t)
	img, err := random.Image(4096, 2)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(src.Host + "/team/podinfo:1.0")
	if err := remote.Write(ref, img, remote.WithTransport(src.HTTPClient().Transport)); err != nil {
		t.Fatal(err)
	}
	digest, _ := img.Digest()
	sbom := attachSBOM(t, src.Host+"/team/podinfo", digest.String())
	chart := copyChart(t, "podinfo")
	bundle := filepath.Join(t.TempDir(), "release.tar")

	// podinfo's test hook pulls curl from Docker Hub, which the test cannot reach.
	code, out, errOut := runStdin(t, "", "bundle", "save", chart, "--file", bundle, "--plain-http", "--skip-test-images",
		"--set", "image.repository="+src.Host+"/team/podinfo", "--set", "image.tag=1.0")
	if code != 0 || !strings.Contains(out, shortDigest(digest.String())) {
		t.Fatalf("bundle save: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runStdin(t, "", "bundle", "list", bundle, "-o", "json")
	var entries []oci.BundleEntry
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil || len(entries) != 3 || entries[1].Digest != digest.String() || entries[1].Role != oci.RoleWorkload ||
		entries[2].Kind != oci.KindReferrer || entries[2].Digest != sbom || entries[2].Subject != digest.String() || entries[2].ArtifactType != "application/spdx+json" {
		t.Fatalf("bundle list: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runStdin(t, "", "bundle", "list", bundle)
	if code != 0 || !strings.Contains(out, "referrer  application/spdx+json  "+src.Host+"/team/podinfo:1.0") {
		t.Fatalf("bundle list table:\n%s", out)
	}
	code, out, errOut = runStdin(t, "", "bundle", "push", bundle, "--to", "oci://"+dst.Host+"/edge", "--plain-http")
	if code != 0 || !strings.Contains(out, "Image: "+dst.Host+"/edge/podinfo@"+digest.String()) || !strings.Contains(out, "Chart: oci://"+dst.Host+"/edge/podinfo@sha256:") {
		t.Fatalf("bundle push: exit %d\n%s\n%s", code, out, errOut)
	}
	pinned := out[strings.Index(out, "Chart: ")+len("Chart: "):]
	pinned = strings.TrimSpace(pinned)

	code, out, errOut = runStdin(t, "", "copy", pinned, "--to", "oci://"+dst.Host+"/mirror", "--with-images", "--plain-http", "-o", "json")
	var res releaseOutput
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Images) != 1 || res.Images[0].Ref != dst.Host+"/mirror/podinfo@"+digest.String() {
		t.Fatalf("copy --with-images: exit %d\n%s\n%s", code, out, errOut)
	}

	bad := filepath.Join(t.TempDir(), "bad.tar")
	os.WriteFile(bad, []byte("not a tar at all"), 0o644)
	for _, args := range [][]string{
		{"bundle", "list", bad},
		{"bundle", "push", bad, "--to", "oci://" + dst.Host + "/x", "--plain-http"},
		{"bundle", "push", bundle},
	} {
		if code, _, errOut := runStdin(t, "", args...); code == 0 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// attachSBOM attaches a small SPDX artifact to repo@subject with oras-go,
// as `oras attach --artifact-type application/spdx+json` does (plain HTTP),
// and returns its digest.
func attachSBOM(t *testing.T, repo, subject string) string {
	t.Helper()
	r, err := orasremote.NewRepository(repo)
	if err != nil {
		t.Fatal(err)
	}
	r.PlainHTTP = true
	sub, err := r.Resolve(t.Context(), subject)
	if err != nil {
		t.Fatal(err)
	}
	layer, err := oras.PushBytes(t.Context(), r, "application/spdx+json", []byte(`{"spdxVersion":"SPDX-2.3"}`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := oras.PackManifest(t.Context(), r, oras.PackManifestVersion1_1, "application/spdx+json",
		oras.PackManifestOptions{Subject: &sub, Layers: []ocispec.Descriptor{layer}})
	if err != nil {
		t.Fatal(err)
	}
	return d.Digest.String()
}
