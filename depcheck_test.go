package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the layering of DEVELOPERS.md true:
// cli → deployer, chartsource → oci, chartrepo → chartfmt (chartsource
// resolves a CHART argument through oci and chartrepo; chartrepo may use oci
// to mirror),
// and Helm only ever as a test oracle.
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/berth-dev/berth/"
	forbidden := map[string][]string{
		mod + "chartfmt":    {mod + "oci", mod + "chartrepo", mod + "chartsource", mod + "deployer", mod + "cli", "k8s.io/client-go", "oras.land/", "github.com/google/go-containerregistry"},
		mod + "oci":         {mod + "chartrepo", mod + "chartsource", mod + "deployer", mod + "cli", "k8s.io/client-go"},
		mod + "chartrepo":   {mod + "chartsource", mod + "deployer", mod + "cli", "k8s.io/client-go"},
		mod + "chartsource": {mod + "deployer", mod + "cli", "k8s.io/client-go"},
		mod + "deployer":    {mod + "oci", mod + "chartrepo", mod + "chartsource", mod + "cli", "oras.land/", "github.com/google/go-containerregistry"},
	}
	out, err := exec.Command("go", "list", "-deps=false", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, deps := fields[0], fields[1:]
		if strings.Contains(pkg, "/registry-test") || strings.Contains(pkg, "/testcluster") || strings.Contains(pkg, "/tools") || strings.Contains(pkg, "/demo") {
			continue // test bed: may use anything
		}
		for _, dep := range deps {
			if strings.HasPrefix(dep, "helm.sh/helm") {
				t.Errorf("%s imports %s: Helm is a test oracle only", pkg, dep)
			}
			for prefix, bad := range forbidden {
				if pkg != prefix && !strings.HasPrefix(pkg, prefix+"/") {
					continue
				}
				for _, b := range bad {
					if strings.HasPrefix(dep, b) {
						t.Errorf("%s depends on %s, against the layering cli → deployer/chartsource → oci/chartrepo → chartfmt", pkg, dep)
					}
				}
			}
		}
	}
}
