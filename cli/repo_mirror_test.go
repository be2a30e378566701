package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/berth-dev/berth/oci"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestRepoMirror: every version of an nginx-served repository lands in an
// OCI registry with the original archive bytes (helm pulls them back
// identical), with the digest `helm push` gives the same file; a second
// run uploads nothing and says so; a broken archive fails alone, listed,
// with a non-zero exit, while the others land.
func TestRepoMirror(t *testing.T) {
	r := startClassicRepo(t)
	reg := registrytest.Start(t)
	proxy := registrytest.NewProxy(t, reg)
	dest := "oci://" + proxy.Registry.Host + "/mirror"
	args := []string{"repo", "mirror", "demo", "--to", dest, "--plain-http", "-j", "3"}

	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("mirror: %d\n%s%s", code, out, errOut)
	}
	archives, _ := filepath.Glob(filepath.Join(r.srv.Dir, "*.tgz"))
	if len(archives) != 6 || !strings.Contains(out, "6 versions: 6 pushed, 0 already present, 0 failed") {
		t.Fatalf("%d archives served; summary:\n%s", len(archives), out)
	}
	if proxy.BlobUploadBytes() == 0 {
		t.Fatal("the first run uploaded nothing")
	}
	for _, a := range archives {
		want, err := os.ReadFile(a)
		if err != nil {
			t.Fatal(err)
		}
		name, version := chartNameVersion(t, filepath.Base(a))
		d := t.TempDir()
		r.helm.MustRun(t, "pull", dest+"/"+name, "--version", version, "-d", d, "--plain-http")
		got, err := os.ReadFile(filepath.Join(d, filepath.Base(a)))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("helm pulled other bytes for %s: %v", a, err)
		}
	}
	// helm push of the same file (its mtime set to berth's created value,
	// which helm takes from the file) gives the very digest berth pushed.
	a := filepath.Join(r.srv.Dir, "podinfo-6.1.0.tgz")
	tgz, _ := os.ReadFile(a)
	created, err := oci.CreatedFromArchive(tgz)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "podinfo-6.1.0.tgz")
	if err := os.WriteFile(f, tgz, 0o644); err != nil || os.Chtimes(f, created, created) != nil {
		t.Fatal(err)
	}
	cmd := r.helm.Command("push", f, "oci://"+proxy.Registry.Host+"/helm", "--plain-http")
	cmd.Env = append(cmd.Env, "TZ=UTC")
	helmOut, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helm push: %v %s", err, helmOut)
	}
	helmDigest := regexp.MustCompile(`Digest: (sha256:[0-9a-f]{64})`).FindStringSubmatch(string(helmOut))
	row := regexp.MustCompile(`(?m)^podinfo\s*\t6\.1\.0\s*\tpushed\s*\t(sha256:[0-9a-f]{64})`).FindStringSubmatch(out)
	if helmDigest == nil || row == nil || helmDigest[1] != row[1] {
		t.Fatalf("helm push digest %v, berth mirror %v\n%s", helmDigest, row, out)
	}

	// Second run: nothing uploaded, and the summary says so.
	before := proxy.BlobUploadBytes()
	code, out, errOut = run(t, args...)
	if code != 0 || !strings.Contains(out, "6 versions: 0 pushed, 6 already present, 0 failed; 0 bytes uploaded") {
		t.Fatalf("second run: %d\n%s%s", code, out, errOut)
	}
	if n := proxy.BlobUploadBytes() - before; n != 0 {
		t.Fatalf("second run uploaded %d blob bytes", n)
	}

	// A corrupted archive fails alone; the rest land in a new namespace.
	if err := os.WriteFile(filepath.Join(r.srv.Dir, "podinfo-6.0.0.tgz"), []byte("not a chart"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "repo", "mirror", "demo", "--to", dest+"2", "--plain-http", "--chart", "podinfo", "--version", "^6.0.0-0", "-o", "json")
	if code != 1 || !strings.Contains(errOut, "podinfo 6.0.0: chart podinfo-6.0.0") || !strings.Contains(errOut, "does not match the index") {
		t.Fatalf("broken archive: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, `"version":"6.1.0","status":"pushed"`) || !strings.Contains(out, `"version":"6.2.0-rc.1","status":"pushed"`) ||
		strings.Contains(out, `"7.0.0-beta.1"`) {
		t.Fatalf("the other versions did not land, or the range was not applied:\n%s", out)
	}
	if !strings.Contains(out, `"ref":"`+dest+"2/podinfo@sha256:") {
		t.Fatalf("the JSON output lacks the pinned reference:\n%s", out)
	}
	if strings.Contains(out+errOut, r.srv.Password) {
		t.Fatal("the repository password was printed")
	}
}

// chartNameVersion splits "podinfo-6.2.0-rc.1.tgz".
func chartNameVersion(t *testing.T, file string) (string, string) {
	m := regexp.MustCompile(`^(.+?)-(v?\d+\.\d+\.\d+.*)\.tgz$`).FindStringSubmatch(file)
	if m == nil {
		t.Fatalf("archive name %s", file)
	}
	return m[1], m[2]
}

// TestCopyClassicChart: copy takes REPO/CHART and pushes the served archive
// unchanged (helm pulls the same bytes back), with the digest repo mirror
// gives the same version.
func TestCopyClassicChart(t *testing.T) {
	r := startClassicRepo(t)
	reg := registrytest.Start(t)
	ns := "oci://" + reg.Host
	code, out, errOut := run(t, "copy", "demo/podinfo", "--to", ns+"/copied", "--plain-http", "-o", "json")
	if code != 0 {
		t.Fatalf("copy: %d %s%s", code, out, errOut)
	}
	var res releaseOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Version != "6.1.0" {
		t.Fatalf("copy output: %v %s", err, out)
	}
	d := t.TempDir()
	r.helm.MustRun(t, "pull", ns+"/copied/podinfo", "--version", "6.1.0", "-d", d, "--plain-http")
	got, _ := os.ReadFile(filepath.Join(d, "podinfo-6.1.0.tgz"))
	want, _ := os.ReadFile(filepath.Join(r.srv.Dir, "podinfo-6.1.0.tgz"))
	if len(want) == 0 || !bytes.Equal(got, want) {
		t.Fatal("helm pulled other bytes than the repository serves")
	}
	code, out, _ = run(t, "repo", "mirror", "demo", "--to", ns+"/mirrored", "--plain-http", "--chart", "podinfo", "--version", "6.1.0", "-o", "json")
	if code != 0 || !strings.Contains(out, `"digest":"`+res.Digest+`"`) {
		t.Fatalf("mirror digest differs from copy's %s:\n%s", res.Digest, out)
	}
	if code, _, errOut := run(t, "copy", "demo/podinfo", "--to", ns+"/x", "--plain-http", "--with-images"); code != 1 || !strings.Contains(errOut, "mirror the classic chart first") {
		t.Fatalf("--with-images: %d %s", code, errOut)
	}
}
