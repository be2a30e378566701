package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRandomManifestsMatchHelm generates charts whose templates hold random
// document streams — separators with odd spacing, empty and comment-only
// documents, known and unknown kinds, hook annotations with valid, unknown
// and test events, integer and garbage weights, delete policies, now and
// then invalid YAML — and compares berth's output (splitting, kind order,
// hooks, --skip-tests/--no-hooks) or error with Helm's. Seeds are fixed.
func TestRandomManifestsMatchHelm(t *testing.T) {
	var cases []oracleCase
	for seed := range 60 {
		r := rand.New(rand.NewPCG(uint64(seed), 13))
		dir := filepath.Join(t.TempDir(), "rnd")
		writeRandomManifestChart(t, r, dir)
		flags := [][]string{nil, {"--skip-tests"}, {"--no-hooks"}, {"--include-crds"}}[r.IntN(4)]
		cases = append(cases, oracleCase{name: fmt.Sprintf("seed-%02d", seed), args: append(commonFlags(flags...), "rel", dir)})
	}
	runOracleCases(t, cases)
}

var (
	randomKinds      = []string{"Deployment", "Service", "ConfigMap", "Secret", "Namespace", "Job", "Pod", "CustomResourceDefinition", "Widget", "Aardvark", "APIService", ""}
	randomSeparators = []string{"---\n", "\n---\n", "---   \n", "\n\n---\n\n", "--- \n---\n", "---\n# only a comment\n---\n"}
	randomHooks      = []string{"pre-install", "post-install,pre-upgrade", "test", "test-success", " Pre-Delete ", "nope", "post-rollback,nope"}
)

func randomDoc(r *rand.Rand, i int) string {
	var b strings.Builder
	if r.IntN(20) == 0 {
		return "kind: [unclosed\n"
	}
	if k := randomKinds[r.IntN(len(randomKinds))]; k != "" {
		fmt.Fprintf(&b, "apiVersion: v1\nkind: %s\n", k)
	}
	fmt.Fprintf(&b, "metadata:\n  name: doc-%d\n", i)
	if r.IntN(2) == 0 {
		b.WriteString("  annotations:\n")
		if r.IntN(3) != 0 {
			fmt.Fprintf(&b, "    helm.sh/hook: %q\n", randomHooks[r.IntN(len(randomHooks))])
		}
		switch r.IntN(4) {
		case 0:
			fmt.Fprintf(&b, "    helm.sh/hook-weight: %q\n", fmt.Sprint(r.IntN(11)-5))
		case 1:
			b.WriteString("    helm.sh/hook-weight: \"heavy\"\n")
		}
		if r.IntN(3) == 0 {
			b.WriteString("    helm.sh/hook-delete-policy: \"hook-succeeded, Before-Hook-Creation\"\n")
		}
		b.WriteString("    other: x\n")
	}
	if r.IntN(3) == 0 {
		b.WriteString("data:\n  text: |\n    --- not a separator inside a block\n")
	}
	return b.String()
}

func writeRandomManifestChart(t *testing.T, r *rand.Rand, dir string) {
	t.Helper()
	files := map[string]string{"Chart.yaml": "apiVersion: v2\nname: rnd\nversion: 0.1.0\n"}
	names := []string{"templates/a.yaml", "templates/b.yaml", "templates/sub/c.yaml", "templates/_partial.yaml", "templates/z.txt", "crds/crd.yaml"}
	doc := 0
	for _, n := range names[:r.IntN(len(names))+1] {
		var b strings.Builder
		if r.IntN(2) == 0 {
			b.WriteString(randomSeparators[r.IntN(len(randomSeparators))])
		}
		for j := range r.IntN(5) + 1 {
			if j > 0 {
				b.WriteString(randomSeparators[r.IntN(len(randomSeparators))])
			}
			b.WriteString(randomDoc(r, doc))
			doc++
		}
		if r.IntN(3) == 0 {
			b.WriteString("\n---\n   \n")
		}
		files[n] = b.String()
	}
	for n, c := range files {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
