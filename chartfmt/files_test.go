package chartfmt

import (
	"context"
	"path/filepath"
	"testing"
)

// TestFilesLikeHelm: every .Files helper, including edge cases (absent
// files, an invalid glob, base-name collisions, trailing newlines), renders
// in berth exactly as in `helm template`.
func TestFilesLikeHelm(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "files")
	writeTree(t, dir, map[string]string{
		"Chart.yaml":                   "apiVersion: v2\nname: files\nversion: 1.0.0\n",
		"values.yaml":                  "a: 1\n",
		"conf/app.properties":          "a=1\nb=2\n",
		"conf/extra.ini":               "[x]\ny=\"z\"\n",
		"conf/nested/other.properties": "nested=true",
		"data/bin.dat":                 "\x00\x01\xff",
		"data/lines.txt":               "one\ntwo\n\nfour",
		"data/empty.txt":               "",
		"README.md":                    "readme",
		"templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: files
data:
  get: {{ .Files.Get "conf/extra.ini" | quote }}
  missing: {{ .Files.Get "nope" | quote }}
  bytes: {{ .Files.GetBytes "data/bin.dat" | len | quote }}
  readme: {{ .Files.Get "README.md" | quote }}
  values: {{ .Files.Get "values.yaml" | quote }}
  chart: {{ .Files.Get "Chart.yaml" | quote }}
  lines: {{ .Files.Lines "data/lines.txt" | toJson | quote }}
  linesMissing: {{ .Files.Lines "nope" | toJson | quote }}
  globAll: {{ .Files.Glob "**" | len | quote }}
  globConf: {{ range $path, $_ := .Files.Glob "conf/*" }}{{ $path }},{{ end }}
  globDeep: {{ range $path, $_ := .Files.Glob "conf/**.properties" }}{{ $path }},{{ end }}
  globStar: {{ range $path, $_ := .Files.Glob "conf/*.properties" }}{{ $path }},{{ end }}
  globBad: {{ .Files.Glob "[" | len | quote }}
  globBraces: {{ range $path, $_ := .Files.Glob "{conf,data}/*.{ini,txt}" }}{{ $path }},{{ end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: as-config
data:
  {{- (.Files.Glob "conf/**").AsConfig | nindent 2 }}
---
apiVersion: v1
kind: Secret
metadata:
  name: as-secrets
data:
  {{- (.Files.Glob "data/*").AsSecrets | nindent 2 }}
`,
	})
	want := mustHelm(t, "template", "rel", dir, "-n", "ns", "--kube-version", "1.37.2")
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Render(context.Background(), c, nil, RenderOptions{ReleaseName: "rel", Namespace: "ns", KubeVersion: "1.37.2"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.TemplateOutput(TemplateOutputOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("berth:\n%s\nhelm:\n%s", got, want)
	}
}

func TestFilesUnit(t *testing.T) {
	f := NewFiles([]*File{{Name: "a/b.txt", Data: []byte("x\ny\n")}, {Name: "c", Data: []byte{}}})
	if got := f.Lines("a/b.txt"); len(got) != 2 || got[1] != "y" {
		t.Errorf("Lines = %q", got)
	}
	if got := f.Lines("c"); len(got) != 1 || got[0] != "" {
		t.Errorf("Lines of an empty file = %q", got)
	}
	if got := f.GetBytes("none"); got == nil || len(got) != 0 {
		t.Errorf("GetBytes of a missing file = %v", got)
	}
	// Base-name collisions: the lexically last path wins, on every run
	// (Helm's choice depends on map iteration order).
	clash := NewFiles([]*File{{Name: "b/x", Data: []byte("from b")}, {Name: "a/x", Data: []byte("from a")}})
	for i := 0; i < 20; i++ {
		if got := clash.AsConfig(); got != "x: from b" {
			t.Fatalf("AsConfig = %q", got)
		}
	}
	var none Files
	if none.AsConfig() != "" || none.AsSecrets() != "" {
		t.Error("nil Files should render as empty")
	}
}
