package chartrepo

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/berth-dev/berth/registry-test/classic"
	"github.com/berth-dev/berth/tools"
)

// timeLine matches the two time stamps helm repo index takes from the
// clock: the index's generated and each new version's created.
var timeLine = regexp.MustCompile(`(?m)^(\s*)"?(generated|created)"?: .*$`)

func maskTimes(b []byte) string { return timeLine.ReplaceAllString(string(b), "${1}${2}: TIME") }

// TestIndexMatchesHelm: `repo index` writes the bytes `helm repo index`
// writes (times masked) for real charts at the top level and one
// subdirectory deep, with and without --url, merged or not, YAML and JSON.
func TestIndexMatchesHelm(t *testing.T) {
	h := tools.NewHelm(t)
	src := t.TempDir()
	classic.Package(t, h, src, "podinfo", "6.0.0", "6.1.0-rc.1", "10.0.0")
	classic.Package(t, h, src, "nginx")
	classic.Package(t, h, src, "istio-base")
	sub := filepath.Join(src, "more")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	classic.Package(t, h, sub, "cert-manager")
	if err := os.WriteFile(filepath.Join(src, "not-a-chart.tgz"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An older index to merge: another chart and a version the directory also has.
	old := t.TempDir()
	classic.Package(t, h, old, "redis")
	classic.Package(t, h, old, "podinfo", "6.0.0", "5.0.0")
	classic.Index(t, h, old, "https://old.example.com/charts")
	merge := filepath.Join(old, "index.yaml")

	cases := []struct {
		name       string
		url, merge string
		json       bool
	}{
		{"relative", "", "", false},
		{"url", "https://charts.example.com/sub/", "", false},
		{"url-query", "https://charts.example.com/x?token=1", "", false},
		{"merge", "https://charts.example.com", merge, false},
		{"merge-missing", "", "MISSING", false},
		{"json", "https://charts.example.com", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			helmDir, berthDir := copyDir(t, src), copyDir(t, src)
			args := []string{"repo", "index", helmDir}
			helmMerge, berthMerge := tc.merge, tc.merge
			if tc.merge == "MISSING" {
				helmMerge, berthMerge = filepath.Join(t.TempDir(), "new.yaml"), filepath.Join(t.TempDir(), "new.yaml")
			}
			if tc.url != "" {
				args = append(args, "--url", tc.url)
			}
			if helmMerge != "" {
				args = append(args, "--merge", helmMerge)
			}
			if tc.json {
				args = append(args, "--json")
			}
			h.MustRun(t, args...)
			if err := IndexRepository(berthDir, tc.url, berthMerge, tc.json); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(helmDir, "index.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(berthDir, "index.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if maskTimes(got) != maskTimes(want) {
				t.Fatalf("index differs from helm's:\n--- berth:\n%s\n--- helm:\n%s", got, want)
			}
			if tc.merge == "MISSING" {
				hm, _ := os.ReadFile(helmMerge)
				bm, err := os.ReadFile(berthMerge)
				if err != nil || maskTimes(hm) != maskTimes(bm) {
					t.Fatalf("the created merge file differs: %v\n%s\n---\n%s", err, bm, hm)
				}
			}
			// And helm loads berth's index.
			h.MustRun(t, "repo", "index", t.TempDir(), "--merge", filepath.Join(berthDir, "index.yaml"))
		})
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "repo")
	if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v %s", err, out)
	}
	return dst
}
