package deployer

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// storedChartJSON is chart.values and chart.metadata of a revision exactly
// as they are encoded in the release JSON.
func storedChartJSON(t *testing.T, d *Deployer, ns, name string, v int) (values, metadata []byte) {
	t.Helper()
	sec, err := d.Kube.Core.CoreV1().Secrets(ns).Get(context.Background(), SecretName(name, v), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := decodeReleaseJSON(sec.Data[releaseKey])
	if err != nil {
		t.Fatal(err)
	}
	var rel struct {
		Chart struct {
			Values   json.RawMessage `json:"values"`
			Metadata json.RawMessage `json:"metadata"`
		} `json:"chart"`
	}
	mustJSON(t, js, &rel)
	return rel.Chart.Values, rel.Chart.Metadata
}

// The chart berth stores equals the one helm stores, byte for byte, after
// install, an upgrade that enables a disabled subchart, and a rollback:
// parent values with each enabled subchart's defaults in place, disabled
// dependencies dropped from the metadata and the rest marked enabled.
func TestStoredChartMatchesHelm(t *testing.T) {
	dir, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	chartDir := filepath.Join(dir, "wordpress")
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	ch, err := chartfmt.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	kv, err := d.Kube.ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	src := ChartSource(ch, kv, d.Kube)
	base := clusterFit["wordpress"]
	withMemcached := map[string]any{}
	for k, v := range base {
		withMemcached[k] = v
	}
	withMemcached["memcached"] = map[string]any{"enabled": true}
	valuesFile := func(name string, vals map[string]any) string {
		p := filepath.Join(t.TempDir(), name+".json")
		b, err := json.Marshal(vals)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const byHelm, byBerth = "wp-helm", "wp-berth"
	tgt := Target{Name: byBerth, Namespace: env.Namespace}
	compare := func(step string, v int) {
		t.Helper()
		hv, hm := storedChartJSON(t, d, env.Namespace, byHelm, v)
		bv, bm := storedChartJSON(t, d, env.Namespace, byBerth, v)
		if !bytes.Equal(hv, bv) {
			t.Errorf("%s: chart.values differ (helm %d bytes, berth %d bytes)\nhelm:  %.600s\nberth: %.600s", step, len(hv), len(bv), hv, bv)
		}
		if !bytes.Equal(hm, bm) {
			t.Errorf("%s: chart.metadata differs\nhelm:  %s\nberth: %s", step, hm, bm)
		}
	}

	mustHelm(t, env, "install", byHelm, chartDir, "-f", valuesFile("base", base))
	if _, err := d.Install(ctx, InstallOptions{Target: tgt, Source: src, Values: base}); err != nil {
		t.Fatal(err)
	}
	compare("install", 1)

	mustHelm(t, env, "upgrade", byHelm, chartDir, "-f", valuesFile("memcached", withMemcached))
	if _, err := d.Upgrade(ctx, UpgradeOptions{Target: tgt, Source: src, Values: withMemcached}); err != nil {
		t.Fatal(err)
	}
	compare("upgrade enabling memcached", 2)

	mustHelm(t, env, "rollback", byHelm, "1")
	if _, err := d.Rollback(ctx, RollbackOptions{Target: tgt, Revision: 1}); err != nil {
		t.Fatal(err)
	}
	compare("rollback", 3)
}
