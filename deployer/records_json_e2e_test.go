package deployer_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/deployer"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// recordsFit are the values each shared chart needs on the test cluster
// (no volume provisioner, no load balancer); see clusterFit in
// allcharts_test.go, which the internal tests use. cert-manager keeps its
// default (CRDs off): the CRDs its uninstall keeps took minutes to delete
// on a loaded control plane, and TestEveryRealChartInstalls covers them.
var recordsFit = map[string]string{
	"airflow":       `{"postgresql":{"primary":{"persistence":{"enabled":false}}}}`,
	"ingress-nginx": `{"controller":{"service":{"type":"ClusterIP"}}}`,
	"nginx":         `{"service":{"type":"ClusterIP"}}`,
	"postgresql":    `{"primary":{"persistence":{"enabled":false}}}`,
	"redis":         `{"master":{"persistence":{"enabled":false}},"replica":{"persistence":{"enabled":false}}}`,
	"prometheus":    `{"server":{"persistentVolume":{"enabled":false}},"alertmanager":{"persistence":{"enabled":false}}}`,
	"wordpress":     `{"persistence":{"enabled":false},"service":{"type":"ClusterIP"},"mariadb":{"primary":{"persistence":{"enabled":false}}}}`,
}

// The release JSON berth writes equals the one helm writes, field by field,
// after install, upgrade, rollback, test (the hook chart) and uninstall
// --keep-history, on every shared chart and the hook chart. helm runs the
// steps in one namespace, then berth runs them in another (helm's objects
// are gone by then, and CRDs that uninstalls keep are deleted before each
// turn, so cluster-scoped ones do not collide); times and the
// namespace name are normalised, and manifest lines that two `helm
// template` runs of the same input render differently (randAlphaNum,
// genCA, …) are compared by key only.
func TestReleaseRecordsMatchHelm(t *testing.T) {
	dir, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	type chartCase struct {
		name, path, values string
		test               bool
	}
	cases := []chartCase{{name: "demo", path: filepath.Join("testdata", "demo"), values: `{"hooks":{"enabled":true}}`, test: true}}
	for _, e := range entries {
		if e.IsDir() {
			cases = append(cases, chartCase{name: e.Name(), path: filepath.Join(dir, e.Name()), values: recordsFit[e.Name()]})
		}
	}
	if len(cases) < 12 {
		t.Fatalf("found %d shared charts in %s, want 11", len(cases)-1, dir)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			byHelm, byBerth := testcluster.NewEnv(t), testcluster.NewEnv(t)
			valuesFile := func(env *testcluster.Env) string {
				values := c.values
				if c.name == "istio-base" { // its objects go to the Istio namespace
					values = `{"global":{"istioNamespace":"` + env.Namespace + `"}}`
				}
				if values == "" {
					values = "{}"
				}
				vf := filepath.Join(t.TempDir(), "values.json")
				if err := os.WriteFile(vf, []byte(values), 0o600); err != nil {
					t.Fatal(err)
				}
				return vf
			}
			helmValues, berthValues := valuesFile(byHelm), valuesFile(byBerth)
			rel := "rec-" + c.name
			steps := func(vf string) [][]string {
				s := [][]string{
					{"install", rel, c.path, "-f", vf},
					{"upgrade", rel, c.path, "-f", vf},
					{"rollback", rel, "1"},
				}
				if c.test {
					s = append(s, []string{"test", rel})
				}
				return append(s, []string{"uninstall", rel, "--keep-history"})
			}

			crds := renderedCRDs(t, byHelm, rel, c.path, helmValues)
			deleteKeptCRDs(t, byHelm, crds, true)
			// Left for the API server to finish: nothing after needs them gone.
			t.Cleanup(func() { deleteKeptCRDs(t, byBerth, crds, false) })
			var want [][]map[string]any
			for _, s := range steps(helmValues) {
				helm(t, byHelm, append(s, "-n", byHelm.Namespace)...)
				want = append(want, releaseRecords(t, byHelm, rel, byHelm.Namespace, byBerth.Namespace))
			}
			deleteKeptCRDs(t, byHelm, crds, true)
			random := randomLinePrefixes(t, byBerth, rel, c.path, berthValues, byHelm.Namespace, helmValues)
			for i, s := range steps(berthValues) {
				mustBerth(t, byBerth, append(s, "-n", byBerth.Namespace)...)
				got := releaseRecords(t, byBerth, rel, byBerth.Namespace, byBerth.Namespace)
				if len(got) != len(want[i]) {
					t.Fatalf("after %s: berth has %d revisions, helm %d", s[0], len(got), len(want[i]))
				}
				for r := range got {
					var diffs []string
					diffRecord(&diffs, fmt.Sprintf("v%d", r+1), want[i][r], got[r], random)
					if len(diffs) > 0 {
						t.Errorf("after %s, revision %d differs from helm's (%d fields):\n  %s", s[0], r+1, len(diffs), strings.Join(first(diffs, 10), "\n  "))
					}
				}
			}
		})
	}
}

// renderedCRDs names the CustomResourceDefinitions helm renders for the
// chart: the only ones its turns can collide on.
func renderedCRDs(t *testing.T, env *testcluster.Env, rel, chart, values string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, doc := range chartfmt.SplitManifests(helm(t, env, "template", rel, chart, "-f", values, "--kube-version", testcluster.KubeVersion)) {
		var head struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if yaml.Unmarshal([]byte(doc), &head) == nil && head.Kind == "CustomResourceDefinition" {
			out[head.Metadata.Name] = true
		}
	}
	return out
}

// deleteKeptCRDs deletes the CustomResourceDefinitions that uninstalls
// kept (helm.sh/resource-policy: keep, as istio-base's and cert-manager's
// are): those whose release is gone or uninstalled (its newest revision).
// Earlier tests on the shared cluster and helm's turn here leave them, and
// the next install would meet them as another release's objects.
func deleteKeptCRDs(t *testing.T, env *testcluster.Env, names map[string]bool, wait bool) {
	t.Helper()
	k, err := deployer.NewKube(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	ctx := context.WithoutCancel(t.Context())
	list, err := k.Metadata.Resource(crds).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, crd := range list.Items {
		rel, ns := crd.Annotations["meta.helm.sh/release-name"], crd.Annotations["meta.helm.sh/release-namespace"]
		if rel == "" || !names[crd.Name] {
			continue
		}
		revs, err := k.Core.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=" + rel})
		if err != nil {
			t.Fatal(err)
		}
		newest, status := 0, ""
		for _, r := range revs.Items {
			if v, _ := strconv.Atoi(r.Labels["version"]); v > newest {
				newest, status = v, r.Labels["status"]
			}
		}
		if newest > 0 && status != "uninstalled" {
			continue // the release is there: the CRD is its own
		}
		if err := k.Metadata.Resource(crds).Delete(ctx, crd.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		kept = append(kept, crd.Name)
	}
	if !wait {
		return
	}
	// The API server removes a CRD only after its custom resources: slow
	// on a loaded control plane.
	for _, name := range kept {
		for deadline := time.Now().Add(4 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
			if _, err := k.Metadata.Resource(crds).Get(ctx, name, metav1.GetOptions{}); apierrors.IsNotFound(err) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("CRD %s kept by an uninstall is still there 4 minutes after its deletion", name)
			}
		}
	}
}

// releaseRecords decodes every revision of a release, oldest first, with
// times blanked and namespace `from` renamed `to`.
func releaseRecords(t *testing.T, env *testcluster.Env, name, from, to string) []map[string]any {
	t.Helper()
	k, err := deployer.NewKube(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	list, err := k.Core.CoreV1().Secrets(env.Namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "owner=helm,name=" + name})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, sec := range list.Items {
		raw, err := base64.StdEncoding.DecodeString(string(sec.Data["release"]))
		if err != nil {
			t.Fatalf("%s: %v", sec.Name, err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", sec.Name, err)
		}
		js, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", sec.Name, err)
		}
		js = bytes.ReplaceAll(js, []byte(from), []byte(to))
		var rec map[string]any
		if err := json.Unmarshal(js, &rec); err != nil {
			t.Fatalf("%s: %v", sec.Name, err)
		}
		blankTimes(rec)
		out = append(out, rec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["version"].(float64) < out[j]["version"].(float64) })
	return out
}

var timeFields = map[string]bool{"first_deployed": true, "last_deployed": true, "deleted": true, "started_at": true, "completed_at": true}

// blankTimes replaces every non-empty time with "<time>": when differs,
// whether one was recorded must not.
func blankTimes(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && timeFields[k] && s != "" {
				v[k] = "<time>"
				continue
			}
			blankTimes(x)
		}
	case []any:
		for _, x := range v {
			blankTimes(x)
		}
	}
}

// randomLinePrefixes renders the chart twice with helm and returns the
// keys (a line up to ": ", or its indentation) of the lines that differ:
// the chart's own random output. A third render in helm's namespace, with
// the name renamed afterwards, adds the lines derived from the namespace
// that renaming cannot restore (checksum/config annotations over a
// ConfigMap that names it).
func randomLinePrefixes(t *testing.T, env *testcluster.Env, name, chart, values, helmNamespace, helmValues string) map[string]bool {
	t.Helper()
	render := func(ns, values string) []string {
		out := helm(t, env, "template", name, chart, "-f", values, "-n", ns, "--kube-version", testcluster.KubeVersion)
		return strings.Split(strings.ReplaceAll(out, helmNamespace, env.Namespace), "\n")
	}
	a := render(env.Namespace, values)
	out := map[string]bool{}
	for _, b := range [][]string{render(env.Namespace, values), render(helmNamespace, helmValues)} {
		for i := 0; i < len(a) && i < len(b); i++ {
			if a[i] != b[i] {
				out[linePrefix(a[i])] = true
			}
		}
	}
	return out
}

func linePrefix(line string) string {
	if i := strings.Index(line, ": "); i >= 0 {
		return line[:i+2]
	}
	return line[:len(line)-len(strings.TrimLeft(line, " "))]
}

// diffRecord lists the paths where got differs from want; manifests are
// compared line by line, lines whose key is in random by key only.
func diffRecord(diffs *[]string, path string, want, got any, random map[string]bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: helm %T, berth %T", path, want, got))
			return
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		for k := range keys {
			if k == "manifest" {
				ws, _ := w[k].(string)
				gs, _ := g[k].(string)
				diffManifest(diffs, path+".manifest", ws, gs, random)
				continue
			}
			if k == "name" && strings.Contains(path, ".hooks[") && random["  name: "] {
				// A hook named with random text (podinfo's tests): its
				// manifest's name line is compared by key, so is this.
				continue
			}
			diffRecord(diffs, path+"."+k, w[k], g[k], random)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: helm %d items, berth %v", path, len(w), short(got)))
			return
		}
		for i := range w {
			diffRecord(diffs, fmt.Sprintf("%s[%d]", path, i), w[i], g[i], random)
		}
	default:
		if !reflect.DeepEqual(want, got) {
			*diffs = append(*diffs, fmt.Sprintf("%s: helm %v, berth %v", path, short(want), short(got)))
		}
	}
}

func diffManifest(diffs *[]string, path, want, got string, random map[string]bool) {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	if len(wl) != len(gl) {
		*diffs = append(*diffs, fmt.Sprintf("%s: helm %d lines, berth %d", path, len(wl), len(gl)))
		return
	}
	for i := range wl {
		if wl[i] != gl[i] && !(random[linePrefix(wl[i])] && linePrefix(wl[i]) == linePrefix(gl[i])) {
			*diffs = append(*diffs, fmt.Sprintf("%s line %d: helm %q, berth %q", path, i+1, wl[i], gl[i]))
		}
	}
}

func short(v any) string {
	s := fmt.Sprintf("%v", v)
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

func first(s []string, n int) []string {
	sort.Strings(s)
	if len(s) > n {
		return append(s[:n], fmt.Sprintf("… and %d more", len(s)-n))
	}
	return s
}
