package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestBundleSaveFileFlagAndTableWidth: bundle save writes --file; -o still
// works with cobra's deprecation line; save's and list's tables fit 120
// columns even for a long image reference (shortened in the middle, the
// digest to 12 hex digits), and -o json keeps everything in full.
func TestBundleSaveFileFlagAndTableWidth(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "")
	src := registrytest.Start(t)
	img, err := random.Image(1024, 1)
	if err != nil {
		t.Fatal(err)
	}
	repo := src.Host + "/a-rather-long-team-name/with-a-nested-group/and-a-long-application-image-name-too"
	ref, _ := name.ParseReference(repo + ":1.0")
	if err := remote.Write(ref, img, remote.WithTransport(src.HTTPClient().Transport)); err != nil {
		t.Fatal(err)
	}
	digest, _ := img.Digest()
	chart := copyChart(t, "podinfo")
	set := []string{"--plain-http", "--skip-test-images", "--set", "image.repository=" + repo, "--set", "image.tag=1.0"}
	dir := t.TempDir()

	bundle := filepath.Join(dir, "file.tar")
	code, out, errOut := runStdin(t, "", append([]string{"bundle", "save", chart, "--file", bundle}, set...)...)
	if code != 0 || strings.Contains(errOut, "deprecated") {
		t.Fatalf("bundle save --file: exit %d\n%s\n%s", code, out, errOut)
	}
	checkWidth(t, "bundle save", out)
	if _, err := os.Stat(bundle); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runStdin(t, "", "bundle", "list", bundle)
	if code != 0 || !strings.Contains(out, "sha256:"+strings.TrimPrefix(digest.String(), "sha256:")[:12]) || !strings.Contains(out, "…") {
		t.Fatalf("bundle list: exit %d\n%s\n%s", code, out, errOut)
	}
	checkWidth(t, "bundle list", out)
	if code, out, _ = runStdin(t, "", "bundle", "list", bundle, "-o", "json"); code != 0 || !strings.Contains(out, repo) || !strings.Contains(out, digest.String()) {
		t.Fatalf("bundle list -o json: exit %d\n%s", code, out)
	}

	old := filepath.Join(dir, "old.tar")
	code, _, errOut = runStdin(t, "", append([]string{"bundle", "save", chart, "-o", old}, set...)...)
	if code != 0 || !strings.Contains(errOut, "Flag --output has been deprecated, use --file instead\n") {
		t.Fatalf("bundle save -o: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(old); err != nil {
		t.Fatalf("-o wrote nothing: %v", err)
	}
}

func checkWidth(t *testing.T, what, out string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > bundleTableWidth {
			t.Errorf("%s: line of %d columns:\n%s", what, n, l)
		}
	}
}
