package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestRandomValuesMatchHelm generates charts whose parent and subchart
// defaults and user values are random trees over a small key alphabet (so
// keys collide), with nulls, scalars, lists, nested maps and globals, and
// compares berth's rendering of .Values (parent and subchart, as JSON and
// YAML) with Helm's. It exercises coalescing, null deletion, globals and
// type conflicts far beyond the hand-written cases, with random conditions,
// tags, an alias and import-values on the dependency. Seeds are fixed.
func TestRandomValuesMatchHelm(t *testing.T) {
	var cases []oracleCase
	for seed := range 60 {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		dir := t.TempDir()
		writeRandomChart(t, r, dir)
		user := filepath.Join(dir, "user.yaml")
		writeRandomYAML(t, user, randomTree(r, 3, true))
		args := commonFlags("-f", user)
		if r.IntN(2) == 0 {
			args = append(args, "--set", randomSet(r))
		}
		cases = append(cases, oracleCase{name: fmt.Sprintf("seed-%02d", seed), args: append(args, "rel", filepath.Join(dir, "parent"))})
	}
	runOracleCases(t, cases)
}

var randomKeys = []string{"a", "b", "c", "global", "sub", "al", "tags", "exports"}

func randomTree(r *rand.Rand, depth int, top bool) map[string]any {
	m := map[string]any{}
	for range r.IntN(4) + 1 {
		k := randomKeys[r.IntN(len(randomKeys))]
		if top && (k == "sub" || k == "al") && r.IntN(4) != 0 {
			m[k] = randomTree(r, depth-1, false) // mostly a table, sometimes a conflict
			continue
		}
		m[k] = randomValue(r, depth)
	}
	return m
}

func randomValue(r *rand.Rand, depth int) any {
	switch n := r.IntN(7); {
	case n == 0:
		return nil
	case n == 1:
		return r.IntN(3)
	case n == 2:
		return []string{"x", "y", "z"}[r.IntN(3)]
	case n == 3:
		return r.IntN(2) == 0
	case n == 4:
		return []any{r.IntN(3), "l"}
	default:
		if depth <= 0 {
			return "leaf"
		}
		return randomTree(r, depth-1, false)
	}
}

func randomSet(r *rand.Rand) string {
	paths := []string{"a", "b.c", "global.a", "sub.a", "sub.global.b", "c.sub", "al.a", "tags.a", "sub.exports.a"}
	vals := []string{"null", "1", "s", "true", "{p,q}"}
	return paths[r.IntN(len(paths))] + "=" + vals[r.IntN(len(vals))]
}

func writeRandomChart(t *testing.T, r *rand.Rand, dir string) {
	t.Helper()
	parent, sub := filepath.Join(dir, "parent"), filepath.Join(dir, "parent", "charts", "sub")
	dep := "dependencies:\n  - name: sub\n    version: 0.1.0\n    repository: file://charts/sub\n"
	dep += []string{"", "    condition: sub.a\n", "    condition: a\n", "    condition: al.b,sub.global.b\n"}[r.IntN(4)]
	dep += []string{"", "    tags: [a]\n", "    tags: [a, b]\n"}[r.IntN(3)]
	dep += []string{"", "    alias: al\n"}[r.IntN(2)]
	dep += []string{"", "    import-values: [a]\n", "    import-values: [{child: a, parent: b}]\n",
		"    import-values: [{child: global, parent: c}, b]\n"}[r.IntN(4)]
	files := map[string]string{
		filepath.Join(parent, "Chart.yaml"):          "apiVersion: v2\nname: parent\nversion: 0.1.0\n" + dep,
		filepath.Join(sub, "Chart.yaml"):             "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
		filepath.Join(parent, "templates", "v.yaml"): "parent: {{ toJson .Values }}\nyaml: |\n  {{- toYaml .Values | nindent 2 }}\n",
		filepath.Join(sub, "templates", "v.yaml"):    "sub: {{ toJson .Values }}\n",
	}
	for p, c := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeRandomYAML(t, filepath.Join(parent, "values.yaml"), randomTree(r, 3, true))
	writeRandomYAML(t, filepath.Join(sub, "values.yaml"), randomTree(r, 3, false))
}

func writeRandomYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
