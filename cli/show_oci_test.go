package cli

import (
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// TestShowOCIMatchesHelm compares `berth show X oci://…` with `helm show X
// oci://…` (the oracle) for a chart in a registry.
func TestShowOCIMatchesHelm(t *testing.T) {
	helm := tools.NewHelm(t)
	r := registrytest.Start(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	chart := copyChart(t, "podinfo")
	if code, _, errOut := runStdin(t, "", "push", chart, "oci://"+r.Host+"/charts", "--plain-http"); code != 0 {
		t.Fatal(errOut)
	}
	ref := "oci://" + r.Host + "/charts/podinfo"
	for _, what := range []string{"chart", "values", "readme", "crds", "all"} {
		want, err := helm.Command("show", what, ref, "--plain-http").Output()
		if err != nil {
			t.Fatalf("helm show %s: %v", what, err)
		}
		code, got, errOut := runStdin(t, "", "show", what, ref, "--plain-http")
		if code != 0 {
			t.Fatalf("berth show %s: %s", what, errOut)
		}
		if got != string(want) {
			t.Fatalf("show %s differs from helm:\n--- berth\n%s\n--- helm\n%s", what, got, want)
		}
	}
}
