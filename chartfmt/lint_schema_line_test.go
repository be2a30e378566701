package chartfmt

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintSchemaErrorLine: a values.yaml that breaks values.schema.json is
// reported at the line of the offending value (nested, in a list, or under
// a subchart's key), or of its nearest parent when the value is not in the
// file.
func TestLintSchemaErrorLine(t *testing.T) {
	values := "# comment\nreplicaCount: 1\nimage:\n  repository: nginx\n  tag: 5\nports:\n  - 80\n  - http\nsub:\n  size: big\n"
	for _, c := range []struct {
		name, msg string
		want      int
	}{
		{"scalar", "app:\n- at '/image/tag': got number, want string\n", 5},
		{"list item", "app:\n- at '/ports/1': got string, want integer\n", 8},
		{"mapping", "app:\n- at '/image': missing property 'pullPolicy'\n", 3},
		{"subchart", "sub:\n- at '/size': got string, want integer\n", 10},
		{"not in file", "app:\n- at '/image/digest': got null, want string\n", 3},
		{"root", "app:\n- at '': missing property 'x'\n", 0},
		{"no violation", "something else", 0},
	} {
		if got := schemaErrorLine([]byte(values), c.msg, "app"); got != c.want {
			t.Errorf("%s: line %d, want %d", c.name, got, c.want)
		}
	}

	dir := filepath.Join(t.TempDir(), "app")
	for name, body := range map[string]string{
		"Chart.yaml":         "apiVersion: v2\nname: app\nversion: 1.0.0\n",
		"values.yaml":        values,
		"values.schema.json": `{"type":"object","properties":{"image":{"type":"object","properties":{"tag":{"type":"string"}}}}}`,
		"templates/cm.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Lint(context.Background(), dir, LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Messages {
		if m.Severity == LintError && strings.Contains(m.Text, "/image/tag") {
			if m.Path != ValuesFileName || m.Line != 5 {
				t.Fatalf("schema error at %s:%d, want values.yaml:5", m.Path, m.Line)
			}
			return
		}
	}
	t.Fatalf("no schema error in %+v", res.Messages)
}
