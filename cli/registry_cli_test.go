package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/oci"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

func runStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), append([]string{"berth"}, args...), Build{Version: "test"},
		strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// copyChart copies a shared chart into a fresh folder, so file times differ
// from any other copy, as on another machine or a fresh clone.
func copyChart(t *testing.T, name string) string {
	t.Helper()
	src, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("cp", "-r", filepath.Join(src, name), dst).CombinedOutput(); err != nil {
		t.Fatalf("copy chart: %v %s", err, out)
	}
	return dst
}

func TestRegistryCommands(t *testing.T) {
	r := registrytest.Start(t, registrytest.HtpasswdTLS())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("HELM_REGISTRY_CONFIG", filepath.Join(t.TempDir(), "none.json"))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "")
	tls := []string{"--ca-file", r.CAFile}

	code, _, errOut := runStdin(t, "wrong\n", append([]string{"registry", "login", r.Host, "-u", r.Username, "--password-stdin"}, tls...)...)
	if code == 0 || strings.Contains(errOut, "wrong") && !strings.Contains(errOut, "401") {
		t.Fatalf("login with wrong password: exit %d: %s", code, errOut)
	}
	code, _, errOut = runStdin(t, r.Password+"\n", append([]string{"registry", "login", r.Host, "-u", r.Username, "--password-stdin"}, tls...)...)
	if code != 0 || !strings.Contains(errOut, "Login Succeeded") {
		t.Fatalf("login: exit %d: %s", code, errOut)
	}

	// Two fresh copies of a chart directory push to one digest.
	var digests []string
	for i := 0; i < 2; i++ {
		code, out, errOut := runStdin(t, "", append([]string{"push", copyChart(t, "podinfo"), "oci://" + r.Host + "/charts", "-o", "json", "--debug"}, tls...)...)
		if code != 0 {
			t.Fatalf("push: exit %d: %s", code, errOut)
		}
		// The second push finds the tag at its digest and sends nothing.
		want := map[int]string{0: "debug: PUT", 1: "debug: HEAD"}[i]
		if strings.Contains(errOut, r.Password) || !strings.Contains(errOut, want) || (i == 1 && strings.Contains(errOut, "debug: PUT")) {
			t.Fatalf("debug log leaks the password or logs nothing:\n%s", errOut)
		}
		var res pushOutput
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("push -o json: %v\n%s", err, out)
		}
		digests = append(digests, res.Digest)
		if res.Pinned != "oci://"+r.Host+"/charts/podinfo@"+res.Digest {
			t.Fatalf("pinned %s", res.Pinned)
		}
	}
	if digests[0] != digests[1] {
		t.Fatalf("pushes of two fresh copies: %s vs %s", digests[0], digests[1])
	}

	dest := t.TempDir()
	ref := "oci://" + r.Host + "/charts/podinfo@" + digests[0]
	code, out, errOut := runStdin(t, "", append([]string{"pull", ref, "-d", dest, "--untar"}, tls...)...)
	if code != 0 || !strings.Contains(out, "Digest: "+digests[0]) {
		t.Fatalf("pull: exit %d: %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dest, "podinfo", "Chart.yaml")); err != nil {
		t.Fatalf("untar: %v", err)
	}
	code, _, errOut = runStdin(t, "", append([]string{"pull", ref, "-d", dest, "--untar"}, tls...)...)
	if code == 0 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("second untar over the first: exit %d: %s", code, errOut)
	}

	code, out, errOut = runStdin(t, "", append([]string{"versions", "oci://" + r.Host + "/charts/podinfo", "-o", "json"}, tls...)...)
	var list oci.VersionList
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list.Versions) != 1 || list.Versions[0].Digest != digests[0] {
		t.Fatalf("versions: exit %d: %s %s", code, out, errOut)
	}
	code, out, _ = runStdin(t, "", append([]string{"show", "chart", "oci://" + r.Host + "/charts/podinfo"}, tls...)...)
	if code != 0 || !strings.Contains(out, "name: podinfo") {
		t.Fatalf("show chart: exit %d: %s", code, out)
	}
	code, out, _ = runStdin(t, "", append([]string{"search", "oci://" + r.Host}, tls...)...)
	if code != 0 || strings.TrimSpace(out) != "oci://"+r.Host+"/charts/podinfo" {
		t.Fatalf("search: exit %d: %q", code, out)
	}
	// No silent downgrade: plain HTTP against a TLS registry fails.
	code, _, _ = runStdin(t, "", "versions", "oci://"+r.Host+"/charts/podinfo", "--plain-http")
	if code == 0 {
		t.Fatal("--plain-http against a TLS registry succeeded")
	}
	code, _, errOut = runStdin(t, "", "registry", "logout", r.Host)
	if code != 0 {
		t.Fatalf("logout: %s", errOut)
	}
	code, _, _ = runStdin(t, "", append([]string{"versions", "oci://" + r.Host + "/charts/podinfo"}, tls...)...)
	if code == 0 {
		t.Fatal("versions after logout succeeded")
	}
}

func TestPullProv(t *testing.T) {
	r := registrytest.Start(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n"})
	code, _, errOut := runStdin(t, "", "push", filepath.Join(dir, "c"), "oci://"+r.Host+"/ns", "--plain-http")
	if code != 0 {
		t.Fatal(errOut)
	}
	code, _, errOut = runStdin(t, "", "pull", "oci://"+r.Host+"/ns/c", "--prov", "-d", dir, "--plain-http")
	if code == 0 || !strings.Contains(errOut, "no provenance") {
		t.Fatalf("--prov without provenance: exit %d %s", code, errOut)
	}
	tgz := filepath.Join(dir, "c-1.0.0.tgz")
	if code, _, errOut = runStdin(t, "", "pull", "oci://"+r.Host+"/ns/c", "-d", dir, "--plain-http"); code != 0 {
		t.Fatal(errOut)
	}
	if err := os.WriteFile(tgz+".prov", []byte("signed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut = runStdin(t, "", "push", tgz, "oci://"+r.Host+"/signed", "--plain-http"); code != 0 {
		t.Fatal(errOut)
	}
	out := t.TempDir()
	if code, _, errOut = runStdin(t, "", "pull", "oci://"+r.Host+"/signed/c", "--prov", "-d", out, "--plain-http"); code != 0 {
		t.Fatal(errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "c-1.0.0.tgz.prov")); string(b) != "signed" {
		t.Fatalf("provenance file: %q", b)
	}
}
