package oci

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// BenchmarkBatch100 pushes and pulls 100 versions of podinfo with the berth
// binary (one process for the batch, as `berth push *.tgz oci://…` and
// `berth pull REF…` allow) and with helm (one process per chart: helm takes
// one chart per call) against the same registry in the same run, then
// re-pushes with berth through a counting proxy.
func BenchmarkBatch100(b *testing.B) {
	const n = 100
	dir, err := tools.ChartsDir()
	if err != nil {
		b.Fatal(err)
	}
	berth := buildBerth(b)
	ch, err := chartfmt.LoadDir(filepath.Join(dir, "podinfo"))
	if err != nil {
		b.Fatal(err)
	}
	files := make([]string, n)
	src := b.TempDir()
	for i := range files {
		tgz, err := chartfmt.Package(ch, chartfmt.PackageOptions{Version: fmt.Sprintf("1.0.%d", i)})
		if err != nil {
			b.Fatal(err)
		}
		files[i] = filepath.Join(src, fmt.Sprintf("podinfo-1.0.%d.tgz", i))
		if err := os.WriteFile(files[i], tgz, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for it := 0; it < b.N; it++ {
		// Each tool gets its own fresh registry, so neither finds the other's blobs.
		p := registrytest.NewProxy(b, registrytest.Start(b))
		rh := registrytest.Start(b)
		h := newOracle(b)
		env := append(os.Environ(), "XDG_CACHE_HOME="+b.TempDir(), "DOCKER_CONFIG="+b.TempDir())
		ns, hns := "oci://"+p.Registry.Host, "oci://"+rh.Host
		berthPush := timed(func() {
			runBin(b, env, berth, append(append([]string{"push"}, files...), ns+"/charts", "--plain-http")...)
		})
		helmPush := timed(func() {
			for _, f := range files {
				h.run("", "push", f, hns+"/charts", "--plain-http")
			}
		})
		refs := make([]string, n)
		for i := range refs {
			refs[i] = fmt.Sprintf("%s/charts/podinfo:1.0.%d", ns, i)
		}
		berthPull := timed(func() {
			runBin(b, env, berth, append(append([]string{"pull"}, refs...), "-d", b.TempDir(), "--plain-http")...)
		})
		helmPull := timed(func() {
			dest := b.TempDir()
			for i := 0; i < n; i++ {
				h.run("", "pull", hns+"/charts/podinfo", "--version", fmt.Sprintf("1.0.%d", i), "-d", dest, "--plain-http")
			}
		})
		p.Reset()
		rePush := timed(func() {
			runBin(b, env, berth, append(append([]string{"push"}, files...), ns+"/charts", "--plain-http")...)
		})
		b.ReportMetric(berthPush.Seconds(), "berth-push-s")
		b.ReportMetric(helmPush.Seconds(), "helm-push-s")
		b.ReportMetric(berthPull.Seconds(), "berth-pull-s")
		b.ReportMetric(helmPull.Seconds(), "helm-pull-s")
		b.ReportMetric((helmPush+helmPull).Seconds()/(berthPush+berthPull).Seconds(), "speedup")
		b.ReportMetric(rePush.Seconds(), "berth-repush-s")
		b.ReportMetric(float64(p.BlobUploadBytes()), "repush-upload-bytes")
	}
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// buildBerth compiles the berth binary once for the benchmark.
func buildBerth(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "berth")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/berth-dev/berth").CombinedOutput()
	if err != nil {
		b.Fatalf("build berth: %v\n%s", err, out)
	}
	return bin
}

func runBin(b *testing.B, env []string, bin string, args ...string) {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s %s: %v\n%s", filepath.Base(bin), args[0], err, out)
	}
}

// BenchmarkSharedCharts pushes and pulls each shared chart once with the
// berth binary and with helm, one process per operation for both.
func BenchmarkSharedCharts(b *testing.B) {
	dir, err := tools.ChartsDir()
	if err != nil {
		b.Fatal(err)
	}
	berth := buildBerth(b)
	names := []string{"podinfo", "nginx", "postgresql", "wordpress", "prometheus", "grafana", "ingress-nginx", "redis"}
	for it := 0; it < b.N; it++ {
		// Each tool gets its own fresh registry, so neither finds the other's blobs.
		rb, rh := registrytest.Start(b), registrytest.Start(b)
		h := newOracle(b)
		env := append(os.Environ(), "XDG_CACHE_HOME="+b.TempDir(), "DOCKER_CONFIG="+b.TempDir())
		var berthT, helmT time.Duration
		for _, name := range names {
			ch, err := chartfmt.LoadDir(filepath.Join(dir, name))
			if err != nil {
				b.Fatal(err)
			}
			tgz, err := chartfmt.Package(ch, chartfmt.PackageOptions{})
			if err != nil {
				b.Fatal(err)
			}
			f := filepath.Join(b.TempDir(), name+".tgz")
			if err := os.WriteFile(f, tgz, 0o644); err != nil {
				b.Fatal(err)
			}
			berthT += timed(func() {
				runBin(b, env, berth, "push", f, "oci://"+rb.Host+"/charts", "--plain-http")
				runBin(b, env, berth, "pull", "oci://"+rb.Host+"/charts/"+ch.Metadata.Name, "--version", ch.Metadata.Version, "-d", b.TempDir(), "--plain-http")
			})
			helmT += timed(func() {
				h.run("", "push", f, "oci://"+rh.Host+"/charts", "--plain-http")
				h.run("", "pull", "oci://"+rh.Host+"/charts/"+ch.Metadata.Name, "--version", ch.Metadata.Version, "-d", b.TempDir(), "--plain-http")
			})
		}
		b.ReportMetric(berthT.Seconds(), "berth-s")
		b.ReportMetric(helmT.Seconds(), "helm-s")
		b.ReportMetric(helmT.Seconds()/berthT.Seconds(), "speedup")
	}
}
