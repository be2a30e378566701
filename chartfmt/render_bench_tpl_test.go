package chartfmt

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// BenchmarkRenderTplHeavy is the case the issue calls the heaviest: a chart
// shaped like bitnami umbrellas, with a large library of defines and many
// `tpl` calls (Helm clones the whole template set on every call). Same
// three variants as BenchmarkRender.
func BenchmarkRenderTplHeavy(b *testing.B) {
	dir := writeTplHeavyChart(b, 200, 500, 10)
	helm, err := tools.Path("helm")
	if err != nil {
		b.Fatal(err)
	}
	benchVariants(b, "tplheavy", dir, helm, berthBinary(b))
}

// writeTplHeavyChart writes a chart with files templates, a helpers file
// of defines, and calls tpl calls per template.
func writeTplHeavyChart(b testing.TB, files, defines, calls int) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "tplheavy")
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "templates"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: tplheavy\nversion: 1.0.0\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("labels:\n  app: '{{ .Release.Name }}'\n  tier: \"{{ include \\\"h.name0\\\" . }}\"\nplain: text\n"), 0o644))
	var helpers strings.Builder
	for i := range defines {
		fmt.Fprintf(&helpers, "{{- define \"h.name%d\" -}}{{ .Release.Name }}-%d{{- end -}}\n", i, i)
	}
	must(os.WriteFile(filepath.Join(dir, "templates", "_helpers.tpl"), []byte(helpers.String()), 0o644))
	for i := range files {
		var t strings.Builder
		fmt.Fprintf(&t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\ndata:\n", i)
		for j := range calls {
			fmt.Fprintf(&t, "  k%d: {{ tpl (toYaml .Values.labels) . | quote }}\n", j)
		}
		must(os.WriteFile(filepath.Join(dir, "templates", fmt.Sprintf("cm%03d.yaml", i)), []byte(t.String()), 0o644))
	}
	return dir
}

// TestTplHeavyMatchesHelm proves the benchmark chart renders as in Helm
// (tpl's fast path included).
func TestTplHeavyMatchesHelm(t *testing.T) {
	dir := writeTplHeavyChart(t, 5, 20, 3)
	helm, err := tools.Path("helm")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(helm, "template", "rel", dir, "-n", "ns", "--kube-version", "1.37.2")
	cmd.Env = []string{"HOME=" + t.TempDir(), "KUBECONFIG=/nonexistent"}
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("helm: %v", err)
	}
	ch, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Render(context.Background(), ch, nil, RenderOptions{ReleaseName: "rel", Namespace: "ns", KubeVersion: "1.37.2"})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := r.TemplateOutput(TemplateOutputOptions{})
	if got != string(want) || !strings.Contains(got, `k2: "app: 'rel'\ntier: 'rel-0'"`) {
		t.Fatalf("berth:\n%s\nhelm:\n%s", got, want)
	}
}
