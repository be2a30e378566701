package chartfmt

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// ignoreTestTree is a chart whose files exercise every kind of .helmignore
// rule.
var ignoreTestTree = map[string]string{
	"Chart.yaml":                    "apiVersion: v2\nname: ign\nversion: 1.0.0\n",
	"values.yaml":                   "a: 1\n",
	"README.md":                     "readme",
	"a.tmp":                         "tmp",
	"secret.txt":                    "s",
	"sub/secret.txt":                "s",
	"sub/deeper/secret.txt":         "s",
	"docs/a.md":                     "a",
	"docs/sub/b.txt":                "b",
	"files/keep.txt":                "k",
	"files/drop.bak":                "d",
	"files/abc.txt":                 "abc",
	"files/xyz.txt":                 "xyz",
	".git/config":                   "git",
	"templates/a.yaml":              "a: 1\n",
	"templates/.hidden.yaml":        "hidden",
	"templates/sub/.dot":            "dot",
	"templates/sub/_h.tpl":          "{{/* h */}}",
	"charts/sub/Chart.yaml":         "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
	"charts/sub/templates/x.yaml":   "x: 1\n",
	"charts/sub/.helmignore":        "x.yaml\n", // only the root .helmignore counts
	"charts/sub/templates/.skipped": "a dotfile in a subchart's templates",
}

// TestHelmignoreLikeHelm: for each .helmignore, berth packages exactly the
// files `helm package` packages (or both refuse the chart).
func TestHelmignoreLikeHelm(t *testing.T) {
	rules := []string{
		"",
		"*.md\n",
		"/secret.txt\n",
		"secret.txt\n",
		"*/secret.txt\n",
		"docs/\n",
		"docs\n",
		"docs/*\n",
		"sub/\n",
		"sub\n",
		"# comment\n\n   .git   \n*.tmp\n",
		"templates/*.yaml\n",
		"[a-b]*.txt\n",
		"files/?bc.txt\n",
		`\*.md` + "\n",
		"charts/sub/templates/x.yaml\n",
		"*.bak\n!*.bak\n",
		"!files/\n",
		"files/\n!files/keep.txt\n",
		"/docs/sub\n",
		"./README.md\n",
		"\uFEFF*.tmp\n",
	}
	for i, r := range rules {
		t.Run(strings.TrimSpace(strings.ReplaceAll(r, "\n", "|")), func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "ign")
			writeTree(t, dir, ignoreTestTree)
			if err := os.WriteFile(filepath.Join(dir, ".helmignore"), []byte(r), 0o644); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			_, helmErr := runHelm(t, "package", dir, "-d", out)
			c, err := LoadDir(dir)
			if helmErr != nil || err != nil {
				if (helmErr == nil) != (err == nil) {
					t.Fatalf("rules %d: helm error %v, berth error %v", i, helmErr, err)
				}
				return
			}
			ours, err := Package(c, PackageOptions{})
			if err != nil {
				t.Fatal(err)
			}
			helmTgz, err := os.ReadFile(filepath.Join(out, "ign-1.0.0.tgz"))
			if err != nil {
				t.Fatal(err)
			}
			want, got := sortedEntries(t, helmTgz), sortedEntries(t, ours)
			if want != got {
				t.Errorf("rules %q:\nhelm:  %s\nberth: %s", r, want, got)
			}
		})
	}
}

func sortedEntries(t *testing.T, tgz []byte) string {
	names := tgzEntries(t, tgz)
	sort.Strings(names)
	return strings.Join(names, " ")
}

func TestIgnoreRulesUnit(t *testing.T) {
	rules, err := ParseIgnore("x", strings.NewReader("*.txt\n!keep.txt\n"))
	if err != nil {
		t.Fatal(err)
	}
	// First match wins: *.txt ignores keep.txt before the negation is seen.
	if !rules.Ignore("keep.txt", false) {
		t.Error("keep.txt should be ignored (first match wins)")
	}
	// The negation quirk: a path matching neither rule is ignored by "!keep.txt".
	if !rules.Ignore("values.yaml", false) {
		t.Error("negated rule should ignore non-matching paths, like Helm")
	}
	for _, p := range []string{"", ".", "./"} {
		if rules.Ignore(p, true) {
			t.Errorf("%q ignored", p)
		}
	}
	if _, err := ParseIgnore(".helmignore", strings.NewReader("a\n\n**/b\n")); err == nil || err.Error() != ".helmignore:3: double-star (**) syntax is not supported" {
		t.Errorf("double star: %v", err)
	}
}

// FuzzIgnore: any .helmignore text either parses or fails with a located
// error, and evaluating parsed rules never panics; "", "." and "./" are
// never ignored.
func FuzzIgnore(f *testing.F) {
	f.Add("*.md\n!keep.md\n/docs/\n", "docs/a.md", false)
	f.Add("[a-\n", "x", true)
	f.Add("**/x\n", "a/x", false)
	f.Add("\uFEFF# c\n\\*\n", "*", false)
	f.Fuzz(func(t *testing.T, rules, p string, isDir bool) {
		r, err := ParseIgnore(".helmignore", strings.NewReader(rules))
		if err != nil {
			if !strings.HasPrefix(err.Error(), ".helmignore") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		r.Ignore(p, isDir)
		for _, never := range []string{"", ".", "./"} {
			if r.Ignore(never, true) {
				t.Fatalf("%q ignored by %q", never, rules)
			}
		}
	})
}
