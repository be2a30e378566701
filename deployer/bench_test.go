package deployer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/deployer"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
	"k8s.io/client-go/rest"
)

// countingProxy forwards to the API server with the admin credentials and
// counts requests by verb, so both tools are measured the same way.
type countingProxy struct {
	mu     sync.Mutex
	counts map[string]int
	srv    *httptest.Server
}

func newCountingProxy(tb testing.TB, cfg *rest.Config) *countingProxy {
	target, err := url.Parse(cfg.Host)
	if err != nil {
		tb.Fatal(err)
	}
	rt, err := rest.TransportFor(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	p := &countingProxy{counts: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = rt
	rp.FlushInterval = -1
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		verb := r.Method
		if r.Method == http.MethodGet && r.URL.Query().Get("watch") == "true" {
			verb = "WATCH"
		}
		p.mu.Lock()
		p.counts[verb]++
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	tb.Cleanup(p.srv.Close)
	return p
}

func (p *countingProxy) reset() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.counts
	p.counts = map[string]int{}
	return out
}

func (p *countingProxy) kubeconfig(tb testing.TB, ns string) string {
	path := filepath.Join(tb.TempDir(), "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: p, cluster: {server: %q}}]
contexts: [{name: p, context: {cluster: p, user: u, namespace: %q}}]
users: [{name: u, user: {}}]
current-context: p
`, p.srv.URL, ns)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// bigChart writes a chart of n×(ConfigMap, Secret, Service, Deployment).
func bigChart(tb testing.TB, n int) string {
	dir := filepath.Join(tb.TempDir(), "big")
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		tb.Fatal(err)
	}
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: big\nversion: 1.0.0\nappVersion: \"1\"\n",
		"values.yaml": fmt.Sprintf("count: %d\nimage: example.com/app:1\n", n),
		"templates/objects.yaml": `{{- range $i := until (int .Values.count) }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $.Release.Name }}-cm-{{ $i }}
data:
  index: "{{ $i }}"
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ $.Release.Name }}-s-{{ $i }}
stringData:
  password: secret-{{ $i }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $.Release.Name }}-svc-{{ $i }}
spec:
  selector: {app: {{ $.Release.Name }}-{{ $i }}}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $.Release.Name }}-d-{{ $i }}
spec:
  replicas: 1
  selector:
    matchLabels: {app: {{ $.Release.Name }}-{{ $i }}}
  template:
    metadata:
      labels: {app: {{ $.Release.Name }}-{{ $i }}}
    spec:
      containers:
        - name: app
          image: {{ $.Values.image }}
          ports: [{containerPort: 8080}]
{{- end }}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func runTool(tb testing.TB, env []string, bin string, args ...string) time.Duration {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return time.Since(start)
}

func helmEnv(tb testing.TB) []string {
	return tools.NewHelm(tb).Env
}

// BenchmarkDeployer measures, in one run against the test control plane,
// berth and helm v3.22.0 (both as processes, through the same counting
// proxy): install of a 120-object chart, a no-op upgrade of it, and list
// with 300 releases.
func BenchmarkDeployer(b *testing.B) {
	berthBin := berthBinary(b)
	helmBin, err := tools.Path("helm")
	if err != nil {
		b.Fatal(err)
	}
	chart := bigChart(b, 30)
	for it := 0; it < b.N; it++ {
		env := testcluster.NewEnv(b)
		proxy := newCountingProxy(b, env.Config)
		kc := proxy.kubeconfig(b, env.Namespace)
		henv := helmEnv(b)
		benv := os.Environ()

		proxy.reset()
		bInstall := runTool(b, benv, berthBin, "--kubeconfig", kc, "install", "b", chart)
		bInstallReq := proxy.reset()
		hInstall := runTool(b, henv, helmBin, "--kubeconfig", kc, "install", "h", chart)
		hInstallReq := proxy.reset()
		bUpgrade := runTool(b, benv, berthBin, "--kubeconfig", kc, "upgrade", "b", chart)
		bUpgradeReq := proxy.reset()
		hUpgrade := runTool(b, henv, helmBin, "--kubeconfig", kc, "upgrade", "h", chart)
		hUpgradeReq := proxy.reset()

		// 300 releases, written as Helm would (one revision each, with the chart).
		listNS := testcluster.NewEnv(b)
		seedReleases(b, listNS, 300)
		lkc := proxy.kubeconfig(b, listNS.Namespace)
		proxy.reset()
		bList := runTool(b, benv, berthBin, "--kubeconfig", lkc, "list")
		bListReq := proxy.reset()
		hList := runTool(b, henv, helmBin, "--kubeconfig", lkc, "list", "--max", "1000")
		hListReq := proxy.reset()
		bListQ := runTool(b, benv, berthBin, "--kubeconfig", lkc, "list", "-q")
		hListQ := runTool(b, henv, helmBin, "--kubeconfig", lkc, "list", "-q", "--max", "1000")

		b.ReportMetric(bInstall.Seconds(), "berth-install-s")
		b.ReportMetric(hInstall.Seconds(), "helm-install-s")
		b.ReportMetric(bUpgrade.Seconds(), "berth-noop-upgrade-s")
		b.ReportMetric(hUpgrade.Seconds(), "helm-noop-upgrade-s")
		b.ReportMetric(float64(bUpgradeReq["PATCH"]), "berth-noop-patches")
		b.ReportMetric(float64(hUpgradeReq["PATCH"]), "helm-noop-patches")
		b.ReportMetric(bList.Seconds(), "berth-list300-s")
		b.ReportMetric(hList.Seconds(), "helm-list300-s")
		b.ReportMetric(bListQ.Seconds(), "berth-list300q-s")
		b.ReportMetric(hListQ.Seconds(), "helm-list300q-s")
		b.Logf("install: berth %v %v; helm %v %v", bInstall, bInstallReq, hInstall, hInstallReq)
		b.Logf("no-op upgrade: berth %v %v; helm %v %v", bUpgrade, bUpgradeReq, hUpgrade, hUpgradeReq)
		b.Logf("list 300 (900 revisions): berth %v %v; helm %v %v; -q: berth %v, helm %v", bList, bListReq, hList, hListReq, bListQ, hListQ)
	}
}

// seedReleases stores n releases of three revisions each (two superseded,
// one deployed), each carrying the stored prometheus chart as real releases
// do, directly as release Secrets.
func seedReleases(tb testing.TB, env *testcluster.Env, n int) {
	d, err := deployer.New(env.Config)
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := tools.ChartsDir()
	if err != nil {
		tb.Fatal(err)
	}
	ch, err := chartfmt.Load(filepath.Join(dir, "prometheus"))
	if err != nil {
		tb.Fatal(err)
	}
	stored := deployer.StoredChart(ch)
	manifest := strings.Repeat("---\n# Source: prometheus/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: v\n", 20)
	ctx := context.Background()
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i := range n {
		for v := 1; v <= 3; v++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				now := deployer.Now()
				st := deployer.StatusSuperseded
				if v == 3 {
					st = deployer.StatusDeployed
				}
				r := &deployer.Release{Name: fmt.Sprintf("rel-%03d", i), Namespace: env.Namespace, Version: v, Chart: stored,
					Manifest: manifest, Config: map[string]any{"message": "m"},
					Info: &deployer.Info{FirstDeployed: now, LastDeployed: now, Status: st, Description: "Install complete"}}
				if err := d.Store.Create(ctx, r); err != nil {
					tb.Error(err)
				}
			}()
		}
	}
	wg.Wait()
}
