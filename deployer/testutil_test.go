package deployer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readCRDs reads testdata/<chart>/crds/*.yaml as manifests.
func readCRDs(t *testing.T, chart string) []Manifest {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", chart, "crds", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []Manifest
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Manifest{Source: chart + "/crds/" + filepath.Base(p), Content: string(b)})
	}
	return out
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
