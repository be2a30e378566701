package deployer

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/testcluster"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"
)

func newStore(t *testing.T, env *testcluster.Env) (*Store, kubernetes.Interface) {
	cs := kubernetes.NewForConfigOrDie(env.Config)
	return NewStore(cs.CoreV1()), cs
}

// A release written by helm decodes into berth's model and re-encodes to
// exactly the same JSON: every field Helm writes is modelled.
func TestStorageDecodesHelmRelease(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	mustHelm(t, env, "install", "web", demoChart(), "--set", "replicas=2,hooks.enabled=true", "--labels", "team=a")
	mustHelm(t, env, "upgrade", "web", demoChart(), "--set", "message=bye")
	store, cs := newStore(t, env)
	for v := 1; v <= 2; v++ {
		sec, err := cs.CoreV1().Secrets(env.Namespace).Get(ctx, SecretName("web", v), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if sec.Type != secretType {
			t.Errorf("type = %q", sec.Type)
		}
		raw, err := decodeReleaseJSON(sec.Data[releaseKey])
		if err != nil {
			t.Fatal(err)
		}
		rel, err := releaseFromSecret(sec)
		if err != nil {
			t.Fatal(err)
		}
		again, err := json.Marshal(rel)
		if err != nil {
			t.Fatal(err)
		}
		var want, got map[string]any
		mustJSON(t, raw, &want)
		mustJSON(t, again, &got)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("revision %d: re-encoded JSON differs\nhelm:  %s\nberth: %s", v, raw, again)
		}
		peeked, err := peekRelease(sec)
		if err != nil {
			t.Fatal(err)
		}
		if peeked.Name != rel.Name || peeked.Version != rel.Version || peeked.Namespace != rel.Namespace ||
			!reflect.DeepEqual(peeked.Info, rel.Info) || !reflect.DeepEqual(peeked.Chart.Metadata, rel.Chart.Metadata) {
			t.Errorf("peeked release differs: %+v %+v", peeked, peeked.Info)
		}
		if rel.Labels["team"] != "a" {
			t.Errorf("custom labels = %v", rel.Labels)
		}
	}
	h, err := store.History(ctx, env.Namespace, "web")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Info.Status != StatusSuperseded || h[1].Info.Status != StatusDeployed {
		t.Fatalf("history statuses: %v", statuses(h))
	}
	if h[0].Config["replicas"] != float64(2) || len(h[0].Hooks) != 4 || h[1].Info.Description != "Upgrade complete" {
		t.Errorf("revision 1 config %v hooks %d; revision 2 description %q", h[0].Config, len(h[0].Hooks), h[1].Info.Description)
	}
}

// A release written by berth is read by helm's list, history, status and get.
func TestStorageHelmReadsBerthRelease(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	store, _ := newStore(t, env)
	ch, err := chartfmt.LoadDir(demoChart())
	if err != nil {
		t.Fatal(err)
	}
	manifest := "---\n# Source: demo/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
	now := Now()
	for v := 1; v <= 2; v++ {
		r := &Release{Name: "app", Namespace: env.Namespace, Version: v, Chart: StoredChart(ch),
			Config:   map[string]any{"message": "v" + strconv.Itoa(v)},
			Manifest: manifest, Labels: map[string]string{"team": "b"},
			Info: &Info{FirstDeployed: now, LastDeployed: now, Status: StatusDeployed,
				Description: "Install complete", Notes: "notes " + strconv.Itoa(v)}}
		if v == 2 {
			r.Info.Description = "Upgrade complete"
		}
		if err := store.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
		if v == 2 {
			prev, err := store.Get(ctx, env.Namespace, "app", 1)
			if err != nil {
				t.Fatal(err)
			}
			prev.Info.Status = StatusSuperseded
			if err := store.Update(ctx, prev); err != nil {
				t.Fatal(err)
			}
		}
	}
	var list []map[string]any
	mustJSON(t, []byte(mustHelm(t, env, "list", "-o", "json")), &list)
	if len(list) != 1 || list[0]["name"] != "app" || list[0]["revision"] != "2" || list[0]["chart"] != "demo-0.1.0" ||
		list[0]["app_version"] != "1.0.0" || list[0]["status"] != "deployed" {
		t.Errorf("helm list = %v", list)
	}
	var hist []map[string]any
	mustJSON(t, []byte(mustHelm(t, env, "history", "app", "-o", "json")), &hist)
	if len(hist) != 2 || hist[0]["status"] != "superseded" || hist[1]["description"] != "Upgrade complete" {
		t.Errorf("helm history = %v", hist)
	}
	var vals map[string]any
	mustJSON(t, []byte(mustHelm(t, env, "get", "values", "app", "--revision", "1", "-o", "json")), &vals)
	if vals["message"] != "v1" {
		t.Errorf("helm get values = %v", vals)
	}
	if got := mustHelm(t, env, "get", "manifest", "app"); strings.TrimSpace(got) != strings.TrimSpace(manifest) {
		t.Errorf("helm get manifest = %q", got)
	}
	if got := mustHelm(t, env, "get", "notes", "app"); !strings.Contains(got, "notes 2") {
		t.Errorf("helm get notes = %q", got)
	}
	status := mustHelm(t, env, "status", "app", "-o", "yaml")
	var st map[string]any
	if err := yaml.Unmarshal([]byte(status), &st); err != nil {
		t.Fatal(err)
	}
	if st["version"] != float64(2) || st["info"].(map[string]any)["status"] != "deployed" {
		t.Errorf("helm status = %s", status)
	}
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
}

func statuses(h []*Release) []Status {
	var out []Status
	for _, r := range h {
		out = append(out, r.Info.Status)
	}
	return out
}
