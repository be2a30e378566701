package oci

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// BenchmarkBatch100 pushes and pulls 100 versions of podinfo with berth
// (one process, concurrent) and with helm (one process per chart, as scripts
// do) against the same registry in the same run, then re-pushes with berth.
// Metrics: seconds per phase, helm/berth ratios, bytes uploaded by the re-push.
func BenchmarkBatch100(b *testing.B) {
	const n = 100
	dir, err := tools.ChartsDir()
	if err != nil {
		b.Fatal(err)
	}
	ch, err := chartfmt.LoadDir(filepath.Join(dir, "podinfo"))
	if err != nil {
		b.Fatal(err)
	}
	tgzs := make([][]byte, n)
	for i := range tgzs {
		if tgzs[i], err = chartfmt.Package(ch, chartfmt.PackageOptions{Version: fmt.Sprintf("1.0.%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	for it := 0; it < b.N; it++ {
		r := registrytest.Start(b)
		p := registrytest.NewProxy(b, r)
		c, _ := NewClient(Options{PlainHTTP: true, CacheDir: b.TempDir(), DockerConfig: filepath.Join(b.TempDir(), "c.json")})
		h := newOracle(b)
		files := make([]string, n)
		for i, tgz := range tgzs {
			files[i] = filepath.Join(b.TempDir(), fmt.Sprintf("podinfo-1.0.%d.tgz", i))
			_ = os.WriteFile(files[i], tgz, 0o644)
		}
		ns := "oci://" + p.Registry.Host
		start := time.Now()
		if _, err := c.PushAll(b.Context(), tgzs, ns+"/berth", PushOptions{}, 0); err != nil {
			b.Fatal(err)
		}
		berthPush := time.Since(start)
		start = time.Now()
		for _, f := range files {
			h.run("", "push", f, ns+"/helm", "--plain-http")
		}
		helmPush := time.Since(start)
		refs := make([]string, n)
		for i := range refs {
			refs[i] = fmt.Sprintf("%s/helm/podinfo:1.0.%d", ns, i)
		}
		start = time.Now()
		pulled, err := c.PullAll(b.Context(), refs, PullOptions{}, 0)
		if err != nil {
			b.Fatal(err)
		}
		berthPull := time.Since(start)
		if !bytes.Equal(pulled[n-1].Chart, tgzs[n-1]) {
			b.Fatal("pulled bytes differ")
		}
		dest := b.TempDir()
		start = time.Now()
		for i := 0; i < n; i++ {
			h.run("", "pull", fmt.Sprintf("%s/helm/podinfo", ns), "--version", fmt.Sprintf("1.0.%d", i), "-d", dest, "--plain-http")
		}
		helmPull := time.Since(start)
		p.Reset()
		start = time.Now()
		if _, err := c.PushAll(b.Context(), tgzs, ns+"/berth", PushOptions{}, 0); err != nil {
			b.Fatal(err)
		}
		rePush := time.Since(start)
		b.ReportMetric(berthPush.Seconds(), "berth-push-s")
		b.ReportMetric(helmPush.Seconds(), "helm-push-s")
		b.ReportMetric(helmPush.Seconds()/berthPush.Seconds(), "push-speedup")
		b.ReportMetric(berthPull.Seconds(), "berth-pull-s")
		b.ReportMetric(helmPull.Seconds(), "helm-pull-s")
		b.ReportMetric(helmPull.Seconds()/berthPull.Seconds(), "pull-speedup")
		b.ReportMetric(rePush.Seconds(), "berth-repush-s")
		b.ReportMetric(float64(p.BlobUploadBytes()), "repush-upload-bytes")
	}
}

// BenchmarkSharedCharts pushes and pulls each shared chart once with berth
// and with helm.
func BenchmarkSharedCharts(b *testing.B) {
	dir, err := tools.ChartsDir()
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"podinfo", "nginx", "postgresql", "wordpress", "prometheus", "grafana", "ingress-nginx", "redis"}
	for it := 0; it < b.N; it++ {
		r := registrytest.Start(b)
		h := newOracle(b)
		c, _ := NewClient(Options{PlainHTTP: true, CacheDir: b.TempDir(), DockerConfig: filepath.Join(b.TempDir(), "c.json")})
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
			_ = os.WriteFile(f, tgz, 0o644)
			start := time.Now()
			res, err := c.Push(b.Context(), tgz, "oci://"+r.Host+"/berth", PushOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Pull(b.Context(), res.Pinned, PullOptions{}); err != nil {
				b.Fatal(err)
			}
			berthT += time.Since(start)
			start = time.Now()
			h.run("", "push", f, "oci://"+r.Host+"/helm", "--plain-http")
			h.run("", "pull", "oci://"+r.Host+"/helm/"+ch.Metadata.Name, "--version", ch.Metadata.Version, "-d", b.TempDir(), "--plain-http")
			helmT += time.Since(start)
		}
		b.ReportMetric(berthT.Seconds(), "berth-s")
		b.ReportMetric(helmT.Seconds(), "helm-s")
		b.ReportMetric(helmT.Seconds()/berthT.Seconds(), "speedup")
	}
}
