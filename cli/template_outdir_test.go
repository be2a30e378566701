package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// TestTemplateOutputDirMatchesHelm: --output-dir writes the same files with
// the same bytes as Helm and prints the same "wrote" lines; rendering twice
// into the same folder appends hooks to existing files, as Helm does.
func TestTemplateOutputDirMatchesHelm(t *testing.T) {
	helm, err := tools.Path("helm")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	u := filepath.Join(renderTestdata, "umbrella")
	for name, extra := range map[string][]string{
		"plain":      nil,
		"crds-tests": {"--include-crds", "--skip-tests"},
		"no-hooks":   {"--no-hooks"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hDir, bDir := t.TempDir(), t.TempDir()
			for run := range 2 {
				h := oracleCase{name: name, args: append(commonFlags(append(extra, "--output-dir", hDir)...), "rel", u)}
				b := oracleCase{name: name, args: append(commonFlags(append(extra, "--output-dir", bDir)...), "rel", u)}
				hOut, hErr, hCode := runHelmTemplate(t, helm, home, h)
				bOut, bErr, bCode := runBerthTemplate(b)
				if hCode != 0 || bCode != 0 {
					t.Fatalf("run %d: helm %d %s\nberth %d %s", run, hCode, hErr, bCode, bErr)
				}
				if hs, bs := strings.ReplaceAll(hOut, hDir, "DIR"), strings.ReplaceAll(bOut, bDir, "DIR"); hs != bs {
					t.Fatalf("run %d: stdout differs\n%s", run, unifiedDiff("helm", hs, "berth", bs))
				}
				compareTrees(t, hDir, bDir)
			}
		})
	}
}

func compareTrees(t *testing.T, helmDir, berthDir string) {
	t.Helper()
	read := func(root string) map[string]string {
		files := map[string]string{}
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[rel] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	h, b := read(helmDir), read(berthDir)
	if len(h) == 0 || len(h) != len(b) {
		t.Fatalf("helm wrote %d files, berth %d", len(h), len(b))
	}
	for name, hc := range h {
		if b[name] != hc {
			t.Fatalf("%s differs\n%s", name, unifiedDiff("helm", hc, "berth", b[name]))
		}
	}
}
