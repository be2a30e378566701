package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// manifestDigest asks the registry which digest repo:ref names ("" if none).
func manifestDigest(t *testing.T, r *registrytest.Registry, repo, ref string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodHead, r.URL+"/v2/"+repo+"/manifests/"+ref, nil)
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
	resp, err := r.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return ""
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD %s:%s: %s", repo, ref, resp.Status)
	}
	return resp.Header.Get("Docker-Content-Digest")
}

// TestChartVersionsAreImmutable: push, release, copy and bundle push refuse
// to move a version tag to another digest (naming the tag, the digest it
// has and the refused one) and leave it where it was; the same digest again
// is a no-op; --force moves the tag.
func TestChartVersionsAreImmutable(t *testing.T) {
	r := registrytest.Start(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "")
	dir := t.TempDir()
	chart := copyChart(t, "podinfo")
	tars := []string{filepath.Join(dir, "a.tar"), filepath.Join(dir, "b.tar")}
	var imageB string
	for _, p := range tars {
		d, _ := dockerSave(t, p, "ghcr.io/stefanprodan/podinfo:6.9.2").Digest()
		imageB = d.String()
	}
	ns := "oci://" + r.Host

	release := func(tar string, extra ...string) (int, releaseOutput, string) {
		t.Helper()
		code, out, errOut := runStdin(t, "", append([]string{"release", chart, "--image", "podinfo=" + tar, "--to", ns + "/apps", "--plain-http", "-o", "json"}, extra...)...)
		var res releaseOutput
		if code == 0 {
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		}
		return code, res, errOut
	}
	// refused checks a refusal and that the tag still names has.
	refused := func(what string, code int, errOut, repo, tag, has string) {
		t.Helper()
		if code == 0 || !strings.Contains(errOut, "tag "+tag+" of ") || !strings.Contains(errOut, "points to "+has) ||
			!strings.Contains(errOut, "move it to sha256:") || !strings.Contains(errOut, "--force") {
			t.Fatalf("%s: exit %d, stderr %q; want a refusal naming tag %s, %s and the refused digest", what, code, errOut, tag, has)
		}
		if got := manifestDigest(t, r, repo, tag); got != has {
			t.Fatalf("%s: tag %s moved to %s", what, tag, got)
		}
	}

	// release
	code, first, errOut := release(tars[0])
	if code != 0 {
		t.Fatalf("release: %s", errOut)
	}
	v := first.Version
	code, _, errOut = release(tars[1])
	refused("second release with another image", code, errOut, "apps/podinfo", v, first.Digest)
	t.Logf("refused: %s", errOut)
	if got := manifestDigest(t, r, "apps/podinfo", imageB); got != "" {
		t.Fatalf("the refused release pushed its image %s", imageB)
	}
	if code, _, errOut = runStdin(t, "", "bundle", "save", first.Chart, "-o", filepath.Join(dir, "first.tar"), "--plain-http", "--skip-test-images"); code != 0 {
		t.Fatalf("bundle save: %s", errOut)
	}
	code, again, errOut := release(tars[0])
	if code != 0 || again.Digest != first.Digest {
		t.Fatalf("same release again: exit %d, digest %s (want %s): %s", code, again.Digest, first.Digest, errOut)
	}
	code, second, errOut := release(tars[1], "--force")
	if code != 0 || second.Digest == first.Digest || manifestDigest(t, r, "apps/podinfo", v) != second.Digest {
		t.Fatalf("release --force: exit %d, tag at %s: %s", code, manifestDigest(t, r, "apps/podinfo", v), errOut)
	}
	if code, _, errOut = runStdin(t, "", "bundle", "save", second.Chart, "-o", filepath.Join(dir, "second.tar"), "--plain-http", "--skip-test-images"); code != 0 {
		t.Fatalf("bundle save: %s", errOut)
	}

	// copy and bundle push: the first content lands, the second is refused
	// until --force.
	type side struct {
		name string
		repo string
		args func(which int) []string
	}
	for _, s := range []side{
		{"copy", "mirror/podinfo", func(i int) []string {
			src := []string{first.Chart, second.Chart}[i]
			return []string{"copy", src, "--to", ns + "/mirror", "--plain-http"}
		}},
		{"copy --with-images", "mirror2/podinfo", func(i int) []string {
			src := []string{first.Chart, second.Chart}[i]
			return []string{"copy", src, "--to", ns + "/mirror2", "--plain-http", "--with-images"}
		}},
		{"bundle push", "site/podinfo", func(i int) []string {
			b := filepath.Join(dir, []string{"first.tar", "second.tar"}[i])
			return []string{"bundle", "push", b, "--to", ns + "/site", "--plain-http"}
		}},
	} {
		if code, _, errOut := runStdin(t, "", s.args(0)...); code != 0 {
			t.Fatalf("%s: %s", s.name, errOut)
		}
		has := manifestDigest(t, r, s.repo, v)
		if code, _, errOut := runStdin(t, "", s.args(0)...); code != 0 || manifestDigest(t, r, s.repo, v) != has {
			t.Fatalf("%s of the same chart again: exit %d: %s", s.name, code, errOut)
		}
		code, _, errOut := runStdin(t, "", s.args(1)...)
		refused(s.name+" of other content", code, errOut, s.repo, v, has)
		if code, _, errOut := runStdin(t, "", append(s.args(1), "--force")...); code != 0 || manifestDigest(t, r, s.repo, v) == has {
			t.Fatalf("%s --force: exit %d, tag still at %s: %s", s.name, code, has, errOut)
		}
	}

	// push: the same directory again is a no-op, changed content is refused.
	pushed := func(extra ...string) (int, string, string) {
		code, out, errOut := runStdin(t, "", append([]string{"push", chart, ns + "/charts", "--plain-http", "-o", "json"}, extra...)...)
		var res pushOutput
		_ = json.Unmarshal([]byte(out), &res)
		return code, res.Digest, errOut
	}
	code, d1, errOut := pushed()
	if code != 0 {
		t.Fatalf("push: %s", errOut)
	}
	if code, d, errOut := pushed(); code != 0 || d != d1 {
		t.Fatalf("push of the same chart again: exit %d, %s: %s", code, d, errOut)
	}
	if err := os.WriteFile(filepath.Join(chart, "values.yaml"), []byte("replicaCount: 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = pushed()
	refused("push of changed content", code, errOut, "charts/podinfo", v, d1)
	if code, d, errOut := pushed("--force"); code != 0 || d == d1 || manifestDigest(t, r, "charts/podinfo", v) != d {
		t.Fatalf("push --force: exit %d: %s", code, errOut)
	}
}
