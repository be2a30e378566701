package cli

import (
	"path/filepath"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// TestTemplateFromRegistry: `berth template NAME oci://…` renders what
// `helm template` renders from the same registry reference, with the
// registry flags before or after the arguments, by tag, range or digest.
func TestTemplateFromRegistry(t *testing.T) {
	r := registrytest.Start(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	chart, _ := filepath.Abs("../examples/hello")
	if code, _, errOut := runStdin(t, "", "push", chart, "oci://"+r.Host+"/charts", "--plain-http"); code != 0 {
		t.Fatalf("push: %s", errOut)
	}
	ref := "oci://" + r.Host + "/charts/hello"
	helm := tools.NewHelm(t)
	want := helm.MustRun(t, "template", "web", ref, "--version", "0.1.0", "--plain-http", "--set", "replicaCount=2")
	for _, args := range [][]string{
		{"template", "web", ref, "--version", "0.1.0", "--plain-http", "--set", "replicaCount=2"},
		{"template", "--plain-http", "--version", "~0.1", "web", ref, "--set", "replicaCount=2"},
	} {
		code, got, errOut := runStdin(t, "", args...)
		if code != 0 {
			t.Fatalf("berth %v: exit %d: %s", args, code, errOut)
		}
		if got != want {
			t.Errorf("berth %v differs from helm template:\n--- berth\n%s\n--- helm\n%s", args, got, want)
		}
	}
}
