package chartfmt

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"
)

var headCases = []string{
	"", "# only a comment", "~", "null", "a", "- x", "[1, 2]", "{", "kind: [a", "key: : x",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"5\"\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    helm.sh/hook-weight: 5\n",
	"apiVersion: 1\nkind: true\n", "kind: 12\n", "kind: 1.5\n", "kind: yes\n", "kind: null\nmetadata: null\n",
	"Kind: Upper\n", "kind: a\nKind: b\n", "KIND: x\nkind: y\n", "apiversion: x\n", "METADATA:\n  name: n\n",
	"metadata:\n  Name: n\n", "metadata:\n  name: a\n  NAME: b\n", "metadata: []\n", "metadata: {}\n", "metadata: x\n",
	"metadata:\n  annotations: null\n", "metadata:\n  annotations: {}\n", "metadata:\n  annotations: [a]\n",
	"metadata:\n  annotations:\n    a: null\n", "metadata:\n  annotations:\n    1: x\n", "metadata:\n  name: 007\n",
	"kind: K\nspec:\n  1: x\n", "kind: K\nspec:\n  ? [a]\n  : b\n", "kind: K\nx: .inf\n", "kind: K\nx: .nan\n",
	"kind: K\nt: 2024-01-02\n", "kind: K\nt: 2024-01-02T03:04:05Z\n", "kind: K\nb: !!binary aGVsbG8=\n",
	"kind: \"\\xff\"\n", "metadata:\n  name: \"a\\xffb\"\n", "a: &x {kind: K}\n<<: *x\n", "<<: {kind: Merged}\n",
	"kind: K\nbig: 123456789012345678901234567890\n", "kind: K\nu: 18446744073709551615\n", "kind: K\n---\nkind: L\n",
	"kind: K\nkind: L\n", "metadata:\n  name: a\n  name: b\n", "\"kind\": K\n", "? kind\n: K\n", "kind: !!str 5\n",
}

func checkHead(t *testing.T, doc string) {
	t.Helper()
	var got, want SimpleHead
	gotErr := decodeHead(doc, &got)
	wantErr := yaml.Unmarshal([]byte(doc), &want)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
		t.Errorf("decodeHead(%q) = %+v, %v; sigs.k8s.io/yaml gives %+v, %v", doc, got, gotErr, want, wantErr)
	}
}

// decodeHead agrees with sigs.k8s.io/yaml.Unmarshal (what Helm calls) on
// edge cases and on every document the shared charts render.
func TestDecodeHeadMatchesSigsYAML(t *testing.T) {
	for _, doc := range headCases {
		checkHead(t, doc)
	}
	for _, name := range sharedChartNames(t) {
		ch, err := Load(filepath.Join(sharedChartsDir(t), name))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Render(context.Background(), ch, map[string]any{}, RenderOptions{ReleaseName: "rel", Namespace: "ns"})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range r.Manifests {
			checkHead(t, m.Content)
		}
		for _, h := range r.Hooks {
			checkHead(t, h.Content)
		}
		for _, c := range r.CRDs {
			for _, d := range SplitManifests(string(c.Content)) {
				checkHead(t, d)
			}
		}
	}
}

func FuzzDecodeHead(f *testing.F) {
	for _, doc := range headCases {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) { checkHead(t, doc) })
}
