package chartfmt

import (
	"context"
	"path/filepath"
	"testing"
)

// TestMemoisedFuncsMatchHelm: results of fromYaml/fromJson/toYaml on
// repeated inputs are copies, so a template mutating one result (set,
// unset, append into a parsed list) never changes a later call's result;
// null inputs keep their nil results. Compared with the oracle.
func TestMemoisedFuncsMatchHelm(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "memo")
	writeTree(t, dir, map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: memo\nversion: 0.1.0\n",
		"values.yaml": "cfg: |\n  a: 1\n  list: [x, y]\n  nested:\n    k: v\nobj:\n  b: 2\n",
		"templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: memo
data:
{{- $a := fromYaml .Values.cfg }}
{{- $_ := set $a "a" 99 }}
{{- $_ := set $a.nested "k" "changed" }}
{{- $_ := unset $a "list" }}
{{- $b := fromYaml .Values.cfg }}
{{- $_ := set $b.nested "k" "changed too" }}
{{- $c := fromYaml .Values.cfg }}
  c: {{ $c | toJson | quote }}
  a: {{ $a | toJson | quote }}
  b: {{ $b | toJson | quote }}
{{- $j := fromJson "{\"x\":{\"y\":[1,2]}}" }}
{{- $_ := set $j.x "y" "gone" }}
  j1: {{ $j | toJson | quote }}
{{- $j2 := fromJson "{\"x\":{\"y\":[1,2]}}" }}
{{- $_ := set $j2.x "y" "gone too" }}
  j2: {{ $j2 | toJson | quote }}
  j3: {{ fromJson "{\"x\":{\"y\":[1,2]}}" | toJson | quote }}
  arr: {{ fromYamlArray "[a, {b: c}]" | toJson | quote }}
  arr2: {{ fromYamlArray "[a, {b: c}]" | toJson | quote }}
{{- range $i := until 2 }}
  n1{{ $i }}: {{ fromYaml "null" | toJson | quote }}
  n2{{ $i }}: {{ fromYamlArray "null" | toJson | quote }}
  n3{{ $i }}: {{ fromJsonArray "null" | toJson | quote }}
  bad{{ $i }}: {{ fromYaml "a: [" | toJson | quote }}
{{- end }}
  y1: {{ .Values.obj | toYaml | quote }}
{{- $_ := set .Values.obj "b" 3 }}
  y2: {{ .Values.obj | toYaml | quote }}
  y3: {{ .Values.obj | toYaml | quote }}
{{- range $i := until 4 }}
  y4{{ $i }}: {{ $.Values.obj | toYaml | quote }}
{{- $_ := set $.Values.obj "b" (add 10 $i) }}
  y5{{ $i }}: {{ $.Values.obj | toYaml | quote }}
{{- end }}
{{- range $i := until 6 }}
{{- $p := fromYaml (printf "k%d: v" (mod $i 5)) }}
{{- $_ := set $p "seen" $i }}
  p{{ $i }}: {{ $p | toJson | quote }}
{{- end }}
`,
	})
	want := mustHelm(t, "template", "rel", dir, "-n", "ns")
	ch, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Render(context.Background(), ch, map[string]any{}, RenderOptions{ReleaseName: "rel", Namespace: "ns"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.TemplateOutput(TemplateOutputOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("berth\n%s\nhelm\n%s", got, want)
	}
}
