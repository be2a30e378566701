package chartfmt

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// BenchmarkRender renders every shared chart the way `berth template`
// does (load from disk, render, format) and, in the same run, times the
// Helm v3.22.0 binary on the same chart and flags. Compare the ns/op of
// <chart>/berth with <chart>/helm (helm includes its process start, as
// a user sees it).
func BenchmarkRender(b *testing.B) {
	dirs, err := filepath.Glob("/work/shared/charts/*/Chart.yaml")
	if err != nil || len(dirs) == 0 {
		b.Fatalf("no shared charts: %v", err)
	}
	helm, err := tools.Path("helm")
	if err != nil {
		b.Fatal(err)
	}
	opts := RenderOptions{ReleaseName: "rel", Namespace: "ns", KubeVersion: "1.37.2"}
	for _, cy := range dirs {
		dir := filepath.Dir(cy)
		name := filepath.Base(dir)
		b.Run(name+"/berth", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ch, err := Load(dir)
				if err != nil {
					b.Fatal(err)
				}
				r, err := Render(context.Background(), ch, map[string]any{}, opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := r.TemplateOutput(TemplateOutputOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/helm", func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(helm, "template", "rel", dir, "-n", "ns", "--kube-version", "1.37.2")
				cmd.Env = []string{"HOME=" + b.TempDir(), "KUBECONFIG=/nonexistent"}
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("helm: %v\n%s", err, out)
				}
			}
		})
	}
}
