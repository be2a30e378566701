package chartfmt

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The regexps Helm v3.22.0 uses (notes §2.6), as the reference the
// hand-written scanners must agree with on every input.
var (
	helmSeparator  = regexp.MustCompile(`(?:^|\s*\n)---\s*`)
	helmSourceLine = regexp.MustCompile("# Source: [^/]+/(.+)")
)

func regexpSplit(s string) []string {
	var docs []string
	for _, d := range helmSeparator.Split(strings.TrimSpace(s), -1) {
		if d == "" {
			continue
		}
		docs = append(docs, strings.TrimSpace(d))
	}
	return docs
}

var splitCases = []string{
	"", "---", "---\n", "a", "a\n---\nb", "---\na\n---\nb\n---\n", "a\n---\n---\nb", "a\n---\n \n---\nb",
	"a\n---\n---\n---\nb", "a \t\n---  \n\nb", "a\n--- # c\nb", "a\n----\nb", "a\n ---\nb", "a---\nb",
	"# comment\n---\napiVersion: v1\nkind: ConfigMap\n---\n# trailing", "\v---\va", "a\r\n---\r\nb",
	"key: |\n  ---\n  x\n---\nb", "a\n---b", "---a\n---", "a\n\f---\nb", "x\n\n\n---",
}

func TestSplitManifestsMatchesHelmRegexp(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := SplitManifests(s), regexpSplit(s); !slices.Equal(got, want) {
			t.Fatalf("SplitManifests(%q) = %q, Helm's regexp gives %q", s, got, want)
		}
	}
	for _, s := range splitCases {
		check(s)
	}
	// Random texts over the alphabet that matters to the separator.
	alphabet := []string{"-", "-", "-", "---", "\n", "\n", " ", "\t", "\r", "\f", "\v", "a", "#", "/", "# Source: c/t.yaml"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 50000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		check(b.String())
	}
}

func TestSourcePathMatchesHelmRegexp(t *testing.T) {
	check := func(s string) {
		t.Helper()
		got, ok := sourcePath(s)
		sm := helmSourceLine.FindStringSubmatch(s)
		if ok != (sm != nil) || (ok && got != sm[1]) {
			t.Fatalf("sourcePath(%q) = %q, %v; Helm's regexp gives %q", s, got, ok, sm)
		}
	}
	for _, s := range []string{"# Source: c/templates/x.yaml\nkind: A", "# Source: c/\n# Source: d/e", "# Source: /a/b",
		"# Source: a\nb/c", "x # Source: c/t.yaml", "# Source: c", "# Source: c/\n"} {
		check(s)
	}
	alphabet := []string{"# Source: ", "/", "/", "a", "\n", " ", "#", "é"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 50000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		check(b.String())
	}
}

func FuzzSplitManifests(f *testing.F) {
	for _, s := range splitCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := SplitManifests(s), regexpSplit(s); !slices.Equal(got, want) {
			t.Fatalf("SplitManifests(%q) = %q, Helm's regexp gives %q", s, got, want)
		}
	})
}

func TestIsEmptyDocument(t *testing.T) {
	for doc, want := range map[string]bool{
		"":                                true,
		"# https://example.com/crd.yaml":  true,
		"# a\n\n  # b":                    true,
		"~":                               true,
		"# a\nnull":                       true,
		"kind: ConfigMap":                 false,
		"# a\napiVersion: v1\nkind: List": false,
		"x":                               false,
		"- a":                             false,
	} {
		if got := IsEmptyDocument(doc); got != want {
			t.Errorf("IsEmptyDocument(%q) = %v, want %v", doc, got, want)
		}
	}
}

// TestSplitRulesMatchHelmTemplate renders documents that are empty,
// comment-only or split by unusual separators, against the oracle.
func TestSplitRulesMatchHelmTemplate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "splits")
	writeTree(t, dir, map[string]string{
		"Chart.yaml":       "apiVersion: v2\nname: splits\nversion: 0.1.0\n",
		"crds/crd.yaml":    "# https://example.com/crd.yaml\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.com\n",
		"templates/a.yaml": "# comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# trailing\n",
		"templates/b.yaml": "---\n\n---\n   \n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n--- # note\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b2\n",
		"templates/c.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n---\nnull\n---\n~\n",
		"templates/d.yaml": "{{/* only a template comment */}}\n---\n",
		"templates/e.yaml": "kind: Foo\napiVersion: x/v1\nmetadata:\n  name: e\ndata: |\n  ---\n  not a separator\n\t\n---\t\nkind: Bar\napiVersion: x/v1\nmetadata:\n  name: e2\n",
	})
	for _, flags := range [][]string{nil, {"--include-crds"}, {"-s", "templates/a.yaml", "-s", "templates/c.yaml"}} {
		want := mustHelm(t, append([]string{"template", "rel", dir, "-n", "ns"}, flags...)...)
		ch, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Render(context.Background(), ch, map[string]any{}, RenderOptions{ReleaseName: "rel", Namespace: "ns"})
		if err != nil {
			t.Fatal(err)
		}
		o := TemplateOutputOptions{}
		switch {
		case len(flags) == 1:
			o.IncludeCRDs = true
		case len(flags) > 1:
			o.ShowOnly = []string{"templates/a.yaml", "templates/c.yaml"}
		}
		got, err := r.TemplateOutput(o)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("flags %q: berth\n%s\nhelm\n%s", flags, got, want)
		}
	}
}
