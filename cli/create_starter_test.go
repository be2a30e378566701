package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// create --starter writes what helm create --starter writes, byte for byte:
// by name from $HELM_DATA_HOME/starters and by absolute path.
func TestCreateStarterMatchesHelm(t *testing.T) {
	helm := tools.NewHelm(t)
	data := ""
	for _, kv := range helm.Env {
		if v, ok := strings.CutPrefix(kv, "HELM_DATA_HOME="); ok {
			data = v
		}
	}
	if data == "" {
		t.Fatal("the helm oracle's environment names no HELM_DATA_HOME")
	}
	t.Setenv("HELM_DATA_HOME", data)
	starter := filepath.Join(data, "starters", "web")
	writeFiles(t, starter, map[string]string{
		"Chart.yaml":         "apiVersion: v2\nname: web\nversion: 9.9.9\ndescription: the starter's own\n",
		"values.yaml":        "# Default values for <CHARTNAME>.\nname: <CHARTNAME>\nreplicaCount: 1\n",
		"values.schema.json": `{"$schema":"https://json-schema.org/draft-07/schema#","type":"object"}` + "\n",
		"templates/_helpers.tpl": `{{- define "<CHARTNAME>.fullname" -}}{{ .Release.Name }}-<CHARTNAME>{{- end }}
`,
		"templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"<CHARTNAME>.fullname\" . }}\n",
		"templates/NOTES.txt":       "<CHARTNAME> is installed\n",
		"README.md":                 "# <CHARTNAME> (files other than templates keep the placeholder)\n",
		"files/config.txt":          "key=<CHARTNAME>\n",
		".helmignore":               "ignored.txt\n",
		"ignored.txt":               "left out\n",
	})
	for _, by := range []string{"web", starter} {
		hDir, bDir := filepath.Join(t.TempDir(), "shop"), filepath.Join(t.TempDir(), "shop")
		hOut := helm.MustRun(t, "create", hDir, "--starter", by)
		code, out, errOut := run(t, "create", bDir, "--starter", by)
		if code != 0 {
			t.Fatalf("berth create --starter %s: exit %d %s", by, code, errOut)
		}
		if strings.ReplaceAll(out, bDir, "DIR") != strings.ReplaceAll(hOut, hDir, "DIR") {
			t.Errorf("--starter %s: berth printed %q, helm %q", by, out, hOut)
		}
		assertSameFiles(t, hDir, bDir)
		if b, _ := os.ReadFile(filepath.Join(bDir, "templates", "_helpers.tpl")); !strings.Contains(string(b), `"shop.fullname"`) {
			t.Errorf("placeholder not replaced in templates:\n%s", b)
		}
	}
	code, _, errOut := run(t, "create", filepath.Join(t.TempDir(), "x"), "--starter", "missing")
	if code != 1 || !strings.Contains(errOut, "could not load") {
		t.Errorf("missing starter: exit %d %s", code, errOut)
	}
}
