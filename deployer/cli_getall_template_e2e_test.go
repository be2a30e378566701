package deployer_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
)

// get all --template runs the Go template over the release as helm does:
// the same text for the fields scripts read.
func TestCLIGetAllTemplateMatchesHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := filepath.Join("testdata", "demo")
	mustBerth(t, env, "install", "tpl", chart, "--set", "hooks.enabled=true", "--set", "message=hi")
	mustBerth(t, env, "upgrade", "tpl", chart, "--reuse-values", "--set", "replicas=2")
	for _, tmpl := range []string{
		"{{.Release.Name}} {{.Release.Namespace}} {{.Release.Version}} {{.Release.Info.Status}}",
		"{{.Release.Chart.Metadata.Name}}-{{.Release.Chart.Metadata.Version}} app {{.Release.Chart.Metadata.AppVersion}}: {{.Release.Info.Description}}",
		"{{range .Release.Hooks}}{{.Name}} {{.Kind}} {{.Path}} {{.Events}} {{.Weight}}\n{{end}}",
		"{{.Release.Config}} {{index .Release.Config \"message\"}}",
		"{{.Release.Info.Notes}}",
		"{{len .Release.Manifest}} {{if .Release.Chart.Values}}values{{end}}",
	} {
		for _, args := range [][]string{{"get", "all", "tpl", "--template", tmpl}, {"get", "all", "tpl", "--revision", "1", "--template", tmpl}} {
			want := helm(t, env, append(args, "-n", env.Namespace)...)
			if got := mustBerth(t, env, args...); got != want {
				t.Errorf("%q: berth\n%s\nhelm\n%s", strings.Join(args[3:], " "), got, want)
			}
		}
	}
	if _, errOut, code := berth(t, env, "get", "all", "tpl", "--template", "{{.Release.Nope}}"); code != 1 || !strings.Contains(errOut, "can't evaluate field Nope") {
		t.Errorf("unknown field: exit %d, %s", code, errOut)
	}
}
