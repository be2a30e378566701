package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var inlineBerth = regexp.MustCompile("`(berth [^`]+)`")

// TestDocsCoverEveryCommand: docs/<group>.md names every command of its
// group (and its subcommands), so a new command shows up in the docs too.
func TestDocsCoverEveryCommand(t *testing.T) {
	pages := map[string]string{groupChart: "chart.md", groupRegistry: "registry.md", groupRelease: "release.md", groupBundle: "bundle.md", groupRepo: "repositories.md"}
	for path, c := range commandPaths() {
		top := commandPaths()[strings.Fields(path)[0]]
		page, ok := pages[top.Category]
		if !ok {
			continue
		}
		b, err := os.ReadFile(filepath.Join("..", "docs", page))
		if err != nil {
			t.Fatal(err)
		}
		doc := string(b)
		// "berth diff upgrade" may be written "berth diff upgrade|rollback".
		words := strings.Fields(path)
		found := strings.Contains(doc, "berth "+path)
		if !found && len(words) == 2 {
			found = strings.Contains(doc, "berth "+words[0]+" ") && strings.Contains(doc, words[1])
		}
		if !found {
			t.Errorf("docs/%s does not mention berth %s (%s)", page, path, c.Usage)
		}
	}
}

// TestDocsCommandsExist: every `berth …` command line in README.md and docs/
// names a real command and only flags it has.
func TestDocsCommandsExist(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	files = append(files, filepath.Join("..", "README.md"))
	paths := commandPaths()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Command lines: in code blocks, and inline code starting "berth ".
		var lines []string
		fenced := false
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, "```") {
				fenced = !fenced
				continue
			}
			if fenced {
				if strings.HasPrefix(l, "berth ") {
					lines = append(lines, l)
				}
				continue
			}
			for _, m := range inlineBerth.FindAllStringSubmatch(l, -1) {
				if !strings.Contains(m[1], "|") && !strings.Contains(m[1], "…") {
					lines = append(lines, m[1])
				}
			}
		}
		if len(lines) == 0 {
			t.Errorf("%s shows no berth command", f)
		}
		t.Run(filepath.Base(f), func(t *testing.T) { checkExamples(t, paths, strings.Join(lines, "\n")) })
	}
}
