package deployer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// realBenchCharts are the shared charts with the most objects (helm
// template counts 44 and 41), with the values that fit the test cluster
// and a value whose change touches a few objects.
var realBenchCharts = []struct {
	name, fit, change string
}{
	{"cert-manager", "", "replicaCount=2"},
	{"airflow", recordsFit["airflow"], "web.replicaCount=2"},
}

// BenchmarkDeployerRealCharts measures berth and helm v3.22.0 (processes,
// same counting proxy, same run) on real charts: install without --wait,
// a no-op upgrade, and an upgrade that changes one value, all with
// --no-hooks (the charts' hook Jobs take seconds to complete on the test
// cluster, the same for both tools, and would hide the tools' own work). It prints one
// line per chart with the times, the ratios helm/berth and the requests.
func BenchmarkDeployerRealCharts(b *testing.B) {
	berthBin := berthBinary(b)
	helmBin, err := tools.Path("helm")
	if err != nil {
		b.Fatal(err)
	}
	dir, err := tools.ChartsDir()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range realBenchCharts {
		b.Run(c.name, func(b *testing.B) {
			chart := filepath.Join(dir, c.name)
			values := filepath.Join(b.TempDir(), "values.json")
			fit := c.fit
			if fit == "" {
				fit = "{}"
			}
			if err := os.WriteFile(values, []byte(fit), 0o600); err != nil {
				b.Fatal(err)
			}
			var sum [2][3]time.Duration // [berth, helm][install, no-op, changed]
			var req [2][3]map[string]int
			for range b.N {
				env := testcluster.NewEnv(b)
				proxy := newCountingProxy(b, env.Config)
				kc := proxy.kubeconfig(b, env.Namespace)
				for tool, run := range []struct {
					bin string
					env []string
					rel string
				}{{berthBin, os.Environ(), "b"}, {helmBin, helmEnv(b), "h"}} {
					for step, args := range [][]string{
						{"install", run.rel, chart, "-f", values, "--no-hooks"},
						{"upgrade", run.rel, chart, "-f", values, "--no-hooks"},
						{"upgrade", run.rel, chart, "-f", values, "--no-hooks", "--set", c.change},
					} {
						proxy.reset()
						sum[tool][step] += runTool(b, run.env, run.bin, append([]string{"--kubeconfig", kc}, args...)...)
						req[tool][step] = proxy.reset()
					}
					// Cluster-scoped objects are named after the release.
					runTool(b, run.env, run.bin, "--kubeconfig", kc, "uninstall", run.rel, "--no-hooks")
				}
			}
			names := []string{"install", "no-op-upgrade", "changed-upgrade"}
			for step, name := range names {
				bt, ht := sum[0][step]/time.Duration(b.N), sum[1][step]/time.Duration(b.N)
				b.ReportMetric(float64(ht)/float64(bt), name+"-helm/berth")
				fmt.Printf("%s %s: berth %v %v, helm %v %v, helm/berth %.1f×\n", c.name, name,
					bt.Round(time.Millisecond), req[0][step], ht.Round(time.Millisecond), req[1][step], float64(ht)/float64(bt))
			}
		})
	}
}
