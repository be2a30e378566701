package chartfmt

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/tools"
)

// BenchmarkTemplateRealCharts is the render-speed figure of BENCHMARKS.md:
// every shared chart, with default values and with each of its ci/*.yaml,
// rendered one process per render by `helm template` (v3.22.0 oracle) and
// `berth template` (built from this tree), alternately, in the same run.
// Per chart it sums CPU (user+sys) and wall over the value sets and keeps
// the largest peak RSS; the table and the median CPU ratio berth/helm are
// logged. Charts whose output holds certificates (genCA/genPrivateKey…)
// are listed apart with the estimated share of RSA key generation, which
// costs the same in both tools.
func BenchmarkTemplateRealCharts(b *testing.B) {
	helm, err := tools.Path("helm")
	if err != nil {
		b.Fatal(err)
	}
	berth := berthBinary(b)
	home := b.TempDir()
	var rows []chartRow
	for _, name := range sharedChartNames(b) {
		dir := filepath.Join(sharedChartsDir(b), name)
		cases := realChartCases(b, helm, home, dir)
		row := chartRow{name: name, sets: len(cases)}
		for _, c := range cases {
			row.keys += c.keys
		}
		b.Run(name, func(b *testing.B) {
			var h, br procStats
			for b.Loop() {
				for _, c := range cases {
					h.add(runMeasured(b, home, helm, append([]string{"template", "rel", dir}, c.args...)...))
					br.add(runMeasured(b, home, berth, append([]string{"template", "rel", dir}, c.args...)...))
				}
			}
			h.div(b.N)
			br.div(b.N)
			row.helm, row.berth = h, br
			b.ReportMetric(float64(br.cpu.Microseconds())/1000, "berth-cpu-ms/op")
			b.ReportMetric(float64(h.cpu.Microseconds())/1000, "helm-cpu-ms/op")
			b.ReportMetric(row.ratio(), "cpu-ratio")
			b.ReportMetric(float64(br.rss)/1024, "berth-maxrss-MB")
			b.ReportMetric(float64(h.rss)/1024, "helm-maxrss-MB")
		})
		rows = append(rows, row)
	}
	// Printed, not logged: a parent benchmark's log is dropped.
	fmt.Println(realChartTable(rows, rsaKeyCost()))
}

// BenchmarkStartup compares the process start-up of `berth version` and
// `helm version` (CPU, wall, peak RSS), the floor of every small render.
func BenchmarkStartup(b *testing.B) {
	helm, err := tools.Path("helm")
	if err != nil {
		b.Fatal(err)
	}
	berth := berthBinary(b)
	home := b.TempDir()
	var h, br procStats
	for b.Loop() {
		h.add(runMeasured(b, home, helm, "version"))
		br.add(runMeasured(b, home, berth, "version"))
	}
	h.div(b.N)
	br.div(b.N)
	b.ReportMetric(float64(br.cpu.Microseconds())/1000, "berth-cpu-ms/op")
	b.ReportMetric(float64(h.cpu.Microseconds())/1000, "helm-cpu-ms/op")
	b.ReportMetric(float64(br.cpu)/float64(h.cpu), "cpu-ratio")
	b.ReportMetric(float64(br.rss)/1024, "berth-maxrss-MB")
	b.ReportMetric(float64(h.rss)/1024, "helm-maxrss-MB")
}

type renderCase struct {
	args []string // flags after "template rel <dir>"
	keys int      // certificates in helm's output (RSA keys generated)
}

// realChartCases lists default values and each ci/*.yaml of dir that helm
// renders (a values file helm rejects is left out, and said so).
func realChartCases(b *testing.B, helm, home, dir string) []renderCase {
	b.Helper()
	base := []string{"-n", "ns", "--kube-version", "1.37.2"}
	sets := [][]string{base}
	files, _ := filepath.Glob(filepath.Join(dir, "ci", "*.yaml"))
	for _, f := range files {
		sets = append(sets, append(slices.Clone(base), "-f", f))
	}
	var out []renderCase
	for _, args := range sets {
		cmd := exec.Command(helm, append([]string{"template", "rel", dir}, args...)...)
		cmd.Env = benchEnv(home)
		stdout, err := cmd.Output()
		if err != nil {
			b.Logf("skipped (helm fails too): %s %s: %v", filepath.Base(dir), strings.Join(args[len(base):], " "), err)
			continue
		}
		out = append(out, renderCase{args: args, keys: certificates(stdout)})
	}
	return out
}

// certificates counts the certificates in a render, as PEM or, in a
// Secret's data, base64 of the PEM (bitnami's TLS secrets): each one a
// freshly generated RSA key.
func certificates(out []byte) int {
	pemHeader := []byte("-----BEGIN CERTIFICATE-----")
	return bytes.Count(out, pemHeader) + bytes.Count(out, []byte(base64.StdEncoding.EncodeToString(pemHeader)))
}

func benchEnv(home string) []string {
	return []string{"HOME=" + home, "KUBECONFIG=" + filepath.Join(home, "none"), "PATH=" + os.Getenv("PATH")}
}

type procStats struct {
	cpu, wall time.Duration
	rss       int64 // KiB, the largest seen
}

func (s *procStats) add(o procStats) {
	s.cpu += o.cpu
	s.wall += o.wall
	s.rss = max(s.rss, o.rss)
}

func (s *procStats) div(n int) {
	s.cpu /= time.Duration(n)
	s.wall /= time.Duration(n)
}

// runMeasured runs bin once, output discarded, and returns its usage.
func runMeasured(b *testing.B, home, bin string, args ...string) procStats {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = benchEnv(home)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	s := procStats{wall: time.Since(start), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rss = ru.Maxrss
	}
	return s
}

type chartRow struct {
	name        string
	sets, keys  int
	helm, berth procStats
}

func (r chartRow) ratio() float64 { return float64(r.berth.cpu) / float64(r.helm.cpu) }

// rsaKeyCost is the CPU of one 2048-bit RSA key in this process (the
// mean of a few), to estimate the keygen share of certificate charts.
func rsaKeyCost() time.Duration {
	const n = 4
	start := time.Now()
	for range n {
		if _, err := rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return 0
		}
	}
	return time.Since(start) / n
}

func realChartTable(rows []chartRow, keyCost time.Duration) string {
	var b strings.Builder
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d.Microseconds())/1000) }
	b.WriteString("\n| chart | value sets | berth cpu-ms | helm cpu-ms | cpu ratio | berth wall-ms | helm wall-ms | berth RSS MB | helm RSS MB | RSA keys (est. share of helm cpu) |\n|---|---|---|---|---|---|---|---|---|---|\n")
	var ratios, plain []float64
	for _, r := range rows {
		keys := "–"
		if r.keys > 0 {
			keys = fmt.Sprintf("%d (%.0f %%)", r.keys, 100*float64(time.Duration(r.keys)*keyCost)/float64(r.helm.cpu))
		} else {
			plain = append(plain, r.ratio())
		}
		ratios = append(ratios, r.ratio())
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %.2f | %s | %s | %.0f | %.0f | %s |\n", r.name, r.sets, ms(r.berth.cpu), ms(r.helm.cpu),
			r.ratio(), ms(r.berth.wall), ms(r.helm.wall), float64(r.berth.rss)/1024, float64(r.helm.rss)/1024, keys)
	}
	fmt.Fprintf(&b, "median cpu ratio berth/helm: %.2f over %d charts (%.2f over the %d without certificates); one 2048-bit RSA key ≈ %s cpu-ms\n",
		median(ratios), len(ratios), median(plain), len(plain), ms(keyCost))
	return b.String()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
