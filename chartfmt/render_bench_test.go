package chartfmt

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/tools"
)

// BenchmarkRender renders every shared chart with default values and, in the
// same run, with the Helm v3.22.0 oracle on the same chart and flags:
//
//	<chart>/helm     `helm template` as a subprocess
//	<chart>/berth    `berth template` as a subprocess (built from this tree)
//	<chart>/library  chartfmt.Load + Render + TemplateOutput in process
//
// Subprocess runs report cpu-ms/op (user+sys) and maxrss-KB from rusage.
// The ratio berth/helm of ns/op is the figure of BENCHMARKS.md.
func BenchmarkRender(b *testing.B) {
	dirs, err := filepath.Glob(filepath.Join(sharedChartsDir(b), "*", "Chart.yaml"))
	if err != nil || len(dirs) == 0 {
		b.Fatalf("no shared charts: %v", err)
	}
	helm, err := tools.Path("helm")
	if err != nil {
		b.Fatal(err)
	}
	berth := berthBinary(b)
	for _, cy := range dirs {
		dir := filepath.Dir(cy)
		benchVariants(b, filepath.Base(dir), dir, helm, berth)
	}
}

// benchVariants runs <name>/helm, <name>/berth and <name>/library on dir.
func benchVariants(b *testing.B, name, dir, helm, berth string) {
	home := b.TempDir()
	opts := RenderOptions{ReleaseName: "rel", Namespace: "ns", KubeVersion: "1.37.2"}
	b.Run(name+"/helm", func(b *testing.B) {
		benchProcess(b, home, helm, "template", "rel", dir, "-n", "ns", "--kube-version", "1.37.2")
	})
	b.Run(name+"/berth", func(b *testing.B) {
		benchProcess(b, home, berth, "template", "-n", "ns", "--kube-version", "1.37.2", "rel", dir)
	})
	b.Run(name+"/library", func(b *testing.B) {
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
}

// berthBinary builds the berth CLI into a temporary folder of b, then
// copies it, as an install would. The linker writes its output through
// mmap, and a binary just written that way ran with up to 14 MB more peak
// RSS (file pages mapped by fault-around: 55 MB vs 42 MB for the same
// bytes copied, `berth version`), which is not what users' installed
// binaries, nor the helm oracle, show.
func berthBinary(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	built, path := filepath.Join(dir, "berth.built"), filepath.Join(dir, "berth")
	if out, err := exec.Command("go", "build", "-o", built, "github.com/berth-dev/berth").CombinedOutput(); err != nil {
		b.Fatalf("build berth: %v\n%s", err, out)
	}
	// Streamed: reading the binary into this process would raise its
	// peak RSS, which children started by vfork report as theirs.
	if err := copyFile(built, path); err != nil {
		b.Fatal(err)
	}
	if err := os.Remove(built); err != nil {
		b.Fatal(err)
	}
	return path
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	// A plain read/write loop (the wrapper hides ReadFrom), as cp or a
	// download writes the file.
	if _, err := io.Copy(struct{ io.Writer }{dst}, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

func benchProcess(b *testing.B, home, bin string, args ...string) {
	b.Helper()
	var cpu time.Duration
	var maxRSS int64
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"HOME=" + home, "KUBECONFIG=" + filepath.Join(home, "none"), "PATH=" + os.Getenv("PATH")}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", bin, err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			maxRSS = max(maxRSS, ru.Maxrss)
		}
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(maxRSS), "maxrss-KB")
}
