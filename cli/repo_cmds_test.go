package cli

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/berth-dev/berth/oci"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/registry-test/classic"
	"github.com/berth-dev/berth/tools"
)

// TestRepoAddUpdateRemove: add (idempotent, --force-update), update and
// remove behave and print as helm's do; a wrong password or an unreachable
// URL saves nothing and prints no password; repositories.yaml is 0600.
func TestRepoAddUpdateRemove(t *testing.T) {
	r := startClassicRepo(t)
	cfg, cache := r.berthPaths[0], r.berthPaths[1]
	st, err := os.Stat(cfg)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("repositories.yaml: %v %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(cache, "demo-index.yaml")); err != nil {
		t.Fatal(err)
	}
	add := []string{"repo", "add", "demo", r.srv.URL, "--username", r.srv.Username, "--password", r.srv.Password, "--ca-file", r.srv.CAFile}
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{add, 0, "\"demo\" already exists with the same configuration, skipping\n"},
		{[]string{"repo", "add", "demo", r.srv.URL + "/"}, 1, ""},
		{[]string{"repo", "add", "bad/name", r.srv.URL}, 1, ""},
	} {
		hout, _, hcode := r.helmWith(r.helmPaths, tc.args...)
		code, out, errOut := run(t, tc.args...)
		if code != tc.code || hcode != tc.code || out != tc.out || hout != tc.out {
			t.Errorf("%v: berth %d %q %s; helm %d %q", tc.args, code, out, errOut, hcode, hout)
		}
	}
	// Wrong password / no CA: refused, nothing saved, no password printed.
	for _, args := range [][]string{
		{"repo", "add", "wrong", r.srv.URL, "--username", r.srv.Username, "--password", "hunter2-secret", "--ca-file", r.srv.CAFile},
		{"repo", "add", "noca", r.srv.URL, "--username", r.srv.Username, "--password", r.srv.Password},
	} {
		code, out, errOut := run(t, args...)
		if code != 1 || !strings.Contains(errOut, "is not a valid chart repository or cannot be reached") ||
			strings.Contains(out+errOut, "hunter2-secret") || strings.Contains(out+errOut, r.srv.Password) {
			t.Fatalf("%s: %d %q %q", args[2], code, out, errOut)
		}
	}
	if b, _ := os.ReadFile(cfg); strings.Contains(string(b), "wrong") || strings.Contains(string(b), "noca") {
		t.Fatalf("a failed add was saved:\n%s", b)
	}
	// --force-update replaces; --password-stdin reads the password.
	code, out, errOut := runStdin(t, r.srv.Password+"\n", "repo", "add", "demo", r.srv.URL+"/", "--username", r.srv.Username,
		"--password-stdin", "--ca-file", r.srv.CAFile, "--force-update")
	if code != 0 || out != "\"demo\" has been added to your repositories\n" {
		t.Fatalf("force-update: %d %q %s", code, out, errOut)
	}
	code, out, errOut = run(t, "repo", "update")
	want := "Hang tight while we grab the latest from your chart repositories...\n...Successfully got an update from the \"demo\" chart repository\nUpdate Complete.\n"
	if code != 0 || out != want {
		t.Fatalf("update: %d %q %s", code, out, errOut)
	}
	hout, _, hcode := r.helmWith(r.helmPaths, "repo", "update", "nope")
	code, _, errOut = run(t, "repo", "update", "nope")
	if code != 1 || hcode != 1 || !strings.Contains(errOut, "no repositories found matching 'nope'.  Nothing will be updated") {
		t.Fatalf("update of an unknown repo: %d %q (helm %d %q)", code, errOut, hcode, hout)
	}
	// helm reads the entry berth replaced, and pulls with its credentials.
	if _, herr, hcode := r.helmWith(r.berthPaths, "pull", "demo/nginx", "-d", t.TempDir()); hcode != 0 {
		t.Fatalf("helm with berth's repositories.yaml: %s", herr)
	}
	code, out, errOut = run(t, "repo", "remove", "demo")
	if code != 0 || out != "\"demo\" has been removed from your repositories\n" {
		t.Fatalf("remove: %d %q %s", code, out, errOut)
	}
	for _, f := range []string{"demo-index.yaml", "demo-charts.txt"} {
		if _, err := os.Stat(filepath.Join(cache, f)); !os.IsNotExist(err) {
			t.Fatalf("%s left in the cache: %v", f, err)
		}
	}
	hout, herr, hcode := r.helmWith(r.berthPaths, "repo", "list")
	code, out, errOut = run(t, "repo", "list")
	if code != 1 || hcode != 1 || !strings.Contains(errOut, "no repositories to show") || !strings.Contains(herr, "no repositories to show") {
		t.Fatalf("list after remove: berth %d %q %q; helm %d %q %q", code, out, errOut, hcode, hout, herr)
	}
}

// TestRepoPlainHTTP: an http:// repository works because the user wrote
// http://; an https:// repository whose index points at http:// archives is
// refused rather than downgraded.
func TestRepoPlainHTTP(t *testing.T) {
	h := tools.NewHelm(t)
	dir := t.TempDir()
	classic.Package(t, h, dir, "podinfo")
	classic.Index(t, h, dir, "")
	plain := classic.Start(t, dir)
	b := t.TempDir()
	t.Setenv("HELM_REPOSITORY_CONFIG", filepath.Join(b, "repositories.yaml"))
	t.Setenv("HELM_REPOSITORY_CACHE", filepath.Join(b, "cache"))
	if code, _, errOut := run(t, "repo", "add", "plain", plain.URL); code != 0 {
		t.Fatalf("http:// repository: %s", errOut)
	}
	if code, _, errOut := run(t, "pull", "plain/podinfo", "-d", t.TempDir()); code != 0 {
		t.Fatalf("pull from the http:// repository: %s", errOut)
	}

	tlsDir := t.TempDir()
	classic.Package(t, h, tlsDir, "podinfo")
	classic.Index(t, h, tlsDir, plain.URL) // absolute http:// URLs
	secure := classic.Start(t, tlsDir, classic.TLS())
	if code, _, errOut := run(t, "repo", "add", "secure", secure.URL, "--ca-file", secure.CAFile); code != 0 {
		t.Fatalf("add: %s", errOut)
	}
	code, _, errOut := run(t, "pull", "secure/podinfo", "-d", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "refusing plain HTTP URL") {
		t.Fatalf("downgrade to http: %d %q", code, errOut)
	}
}

// classicRepoForOutputTest serves examples/hello from an nginx classic
// repository (packaged and indexed by berth) and adds it as "cls", for
// TestOutputJSON's repo steps.
func classicRepoForOutputTest(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	if code, _, errOut := run(t, "package", "../examples/hello", "-d", dir); code != 0 {
		t.Fatalf("package: %s", errOut)
	}
	if code, _, errOut := run(t, "repo", "index", dir); code != 0 {
		t.Fatalf("repo index: %s", errOut)
	}
	srv := classic.Start(t, dir)
	b := t.TempDir()
	t.Setenv("HELM_REPOSITORY_CONFIG", filepath.Join(b, "repositories.yaml"))
	t.Setenv("HELM_REPOSITORY_CACHE", filepath.Join(b, "cache"))
	if code, _, errOut := run(t, "repo", "add", "cls", srv.URL); code != 0 {
		t.Fatalf("repo add: %s", errOut)
	}
	return nil
}

// TestBundleSaveClassicChart: bundle save takes REPO/CHART; the bundle
// holds the archive exactly as the repository serves it.
func TestBundleSaveClassicChart(t *testing.T) {
	r := startClassicRepo(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	reg := registrytest.Start(t)
	img, err := random.Image(2048, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(reg.Host + "/team/podinfo:1.0")
	if err := remote.Write(ref, img, remote.WithTransport(reg.HTTPClient().Transport)); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "b.tar")
	code, out, errOut := run(t, "bundle", "save", "demo/podinfo", "--version", "~6.0", "-o", bundle, "--plain-http", "--skip-test-images",
		"--set", "image.repository="+reg.Host+"/team/podinfo", "--set", "image.tag=1.0")
	if code != 0 {
		t.Fatalf("bundle save: %d\n%s%s", code, out, errOut)
	}
	want, _ := os.ReadFile(filepath.Join(r.srv.Dir, "podinfo-6.0.0.tgz"))
	var entries []oci.BundleEntry
	code, out, _ = run(t, "bundle", "list", bundle, "-o", "json")
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil || len(entries) != 2 || entries[0].Ref != "podinfo:6.0.0" {
		t.Fatalf("bundle list: %s", out)
	}
	// The OCI layout holds the served archive as a blob, byte for byte.
	sum := sha256.Sum256(want)
	f, err := os.Open(bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("no blob sha256:%x (the served archive) in the bundle: %v", sum, err)
		}
		if h.Name == "blobs/sha256/"+hex.EncodeToString(sum[:]) {
			break
		}
	}
}
