package deployer

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/testcluster"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// `lookup` in templates sees the live cluster during install.
func TestLookupReadsLiveCluster(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	install(t, d, env, "first", "demo", map[string]any{"message": "from-first"})
	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "templates"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: lk\nversion: 0.1.0\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "templates", "cm.yaml"), []byte(`apiVersion: v1
kind: ConfigMap
metadata:
  name: copy
data:
  seen: {{ (lookup "v1" "ConfigMap" .Release.Namespace "first-config").data.message | quote }}
  missing: {{ len (lookup "v1" "ConfigMap" .Release.Namespace "nope") | quote }}
`), 0o644))
	ch, err := chartfmt.LoadDir(dir)
	must(err)
	res, err := d.Install(ctx, InstallOptions{Target: Target{Name: "lk", Namespace: env.Namespace}, Source: ChartSource(ch, "", d.Kube)})
	must(err)
	cm, err := d.Kube.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "copy", metav1.GetOptions{})
	must(err)
	if cm.Data["seen"] != "from-first" || cm.Data["missing"] != "0" {
		t.Errorf("lookup results: %v (manifest %s)", cm.Data, res.Release.Manifest)
	}
}
