package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestCopyPlainLabToTLSProduction: --from-* settings reach the source
// registry (plain HTTP, anonymous) while the common flags reach the
// destination (TLS with its CA, htpasswd credentials), for the chart alone
// and with its images.
func TestCopyPlainLabToTLSProduction(t *testing.T) {
	lab := registrytest.Start(t)
	prod := registrytest.Start(t, registrytest.HtpasswdTLS())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "")
	tarPath := filepath.Join(t.TempDir(), "podinfo.tar")
	dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	code, out, errOut := runStdin(t, "", "release", copyChart(t, "podinfo"), "--image", "podinfo="+tarPath,
		"--to", "oci://"+lab.Host+"/apps", "--plain-http", "-o", "json")
	if code != 0 {
		t.Fatalf("release to the lab: %s", errOut)
	}
	var rel releaseOutput
	if err := json.Unmarshal([]byte(out), &rel); err != nil {
		t.Fatal(err)
	}
	dest := []string{"--ca-file", prod.CAFile, "--username", prod.Username, "--password", prod.Password}

	// One setting for both sides cannot work: HTTPS to the lab fails.
	code, _, errOut = runStdin(t, "", append([]string{"copy", rel.Chart, "--to", "oci://" + prod.Host + "/mirror"}, dest...)...)
	if code == 0 || !strings.Contains(errOut, "--plain-http") {
		t.Fatalf("copy without --from-plain-http: exit %d: %s", code, errOut)
	}
	code, out, errOut = runStdin(t, "", append([]string{"copy", rel.Chart, "--to", "oci://" + prod.Host + "/mirror", "--from-plain-http", "-o", "json"}, dest...)...)
	if code != 0 {
		t.Fatalf("copy lab -> prod: exit %d: %s", code, errOut)
	}
	var copied releaseOutput
	if err := json.Unmarshal([]byte(out), &copied); err != nil {
		t.Fatal(err)
	}
	if copied.Digest != rel.Digest || !strings.HasPrefix(copied.Chart, "oci://"+prod.Host+"/mirror/podinfo@") {
		t.Fatalf("copied %+v, want %s in prod", copied, rel.Digest)
	}
	code, out, errOut = runStdin(t, "", append([]string{"copy", rel.Chart, "--to", "oci://" + prod.Host + "/mirror2", "--with-images",
		"--from-plain-http", "-o", "json"}, dest...)...)
	if code != 0 {
		t.Fatalf("copy --with-images lab -> prod: exit %d: %s", code, errOut)
	}
	if err := json.Unmarshal([]byte(out), &copied); err != nil {
		t.Fatal(err)
	}
	if len(copied.Images) != 1 || copied.Images[0].Digest != rel.Images[0].Digest || !strings.HasPrefix(copied.Images[0].Ref, prod.Host+"/mirror2/") {
		t.Fatalf("images copied: %+v, want %s in prod", copied.Images, rel.Images[0].Digest)
	}
	// What landed in prod is readable there with prod's settings alone.
	if code, _, errOut := runStdin(t, "", append([]string{"show", "chart", copied.Chart}, dest...)...); code != 0 {
		t.Fatalf("show the copy in prod: %s", errOut)
	}
}

// TestTLSEnvironmentYieldsToFlags: BERTH_CA_FILE (for the usual TLS
// registry) does not break a command given --plain-http, and
// BERTH_PLAIN_HTTP does not break one given --ca-file.
func TestTLSEnvironmentYieldsToFlags(t *testing.T) {
	plain := registrytest.Start(t)
	tls := registrytest.Start(t, registrytest.TLS())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	chart := copyChart(t, "podinfo")

	t.Setenv("BERTH_CA_FILE", tls.CAFile)
	if code, _, errOut := runStdin(t, "", "push", chart, "oci://"+tls.Host+"/charts"); code != 0 {
		t.Fatalf("push with BERTH_CA_FILE: %s", errOut)
	}
	if code, _, errOut := runStdin(t, "", "push", chart, "oci://"+plain.Host+"/charts", "--plain-http"); code != 0 {
		t.Fatalf("push --plain-http with BERTH_CA_FILE set: %s", errOut)
	}
	if code, _, errOut := runStdin(t, "", "push", chart, "oci://"+plain.Host+"/charts", "--plain-http", "--ca-file", tls.CAFile); code == 0 ||
		!strings.Contains(errOut, "cannot be combined") {
		t.Fatalf("--plain-http with an explicit --ca-file: exit %d: %s; want the conflict reported", code, errOut)
	}
	t.Setenv("BERTH_CA_FILE", "")
	t.Setenv("BERTH_PLAIN_HTTP", "true")
	if code, _, errOut := runStdin(t, "", "push", chart, "oci://"+tls.Host+"/charts2", "--ca-file", tls.CAFile); code != 0 {
		t.Fatalf("push --ca-file with BERTH_PLAIN_HTTP set: %s", errOut)
	}
	if code, _, errOut := runStdin(t, "", "versions", "oci://"+plain.Host+"/charts/podinfo"); code != 0 {
		t.Fatalf("BERTH_PLAIN_HTTP alone: %s", errOut)
	}
}
