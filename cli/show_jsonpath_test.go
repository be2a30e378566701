package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// show values --jsonpath prints what helm prints, on every shared chart:
// scalars, maps, ranges, missing keys and a malformed expression.
func TestShowValuesJSONPathMatchesHelm(t *testing.T) {
	helm := tools.NewHelm(t)
	shared, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(shared)
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		dir := filepath.Join(shared, e.Name())
		for _, expr := range []string{"{.image}", "{.image.repository}:{.image.tag}", "{.replicaCount}", "{.service}",
			`{range .ingress.hosts[*]}{.host}{"\n"}{end}`, "{.nope}", "{.resources"} {
			args := []string{"show", "values", dir, "--jsonpath", expr}
			want, herr := helm.Run(nil, args...)
			code, got, errOut := runStdin(t, "", args...)
			if (herr != nil) != (code != 0) || got != want {
				t.Errorf("%s %q: berth exit %d %q %s; helm %v %q", e.Name(), expr, code, got, errOut, herr, want)
			}
		}
	}
	if n != 11 {
		t.Fatalf("%d shared charts, want 11", n)
	}
}
