package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsCoverEveryCommand: docs/<group>.md names every command of its
// group (and its subcommands), so a new command shows up in the docs too.
func TestDocsCoverEveryCommand(t *testing.T) {
	pages := map[string]string{groupChart: "chart.md", groupRegistry: "registry.md", groupRelease: "release.md", groupBundle: "bundle.md"}
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
