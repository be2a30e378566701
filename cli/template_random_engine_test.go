package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRandomEngineOrderMatchesHelm generates chart trees (subcharts at
// random depths, some library charts) whose files redefine the same names,
// mutate the shared .Values with set/unset, read each other's mutations,
// include missing keys (<no value>) and call tpl, so that the outcome
// depends on Helm's parse and execution order and scoping. Seeds are fixed.
func TestRandomEngineOrderMatchesHelm(t *testing.T) {
	var cases []oracleCase
	for seed := range 40 {
		r := rand.New(rand.NewPCG(uint64(seed), 17))
		dir := filepath.Join(t.TempDir(), "root")
		writeRandomEngineChart(t, r, dir, "root", 0)
		cases = append(cases, oracleCase{name: fmt.Sprintf("seed-%02d", seed), args: append(commonFlags(), "rel", dir)})
	}
	runOracleCases(t, cases)
}

var engineSnippets = []string{
	`{{ include "shared.a" . }}`,
	`{{ include "shared.b" . | sha256sum | trunc 8 }}`,
	`{{ $_ := set .Values "mut" (printf "%s+%s" (default "" .Values.mut) .Template.Name) }}`,
	`{{ $_ := unset .Values "mut" }}`,
	`{{ .Values.mut }}`,
	`[{{ .Values.missing }}]`,
	`{{ tpl "{{ .Chart.Name }}/{{ .Values.missing }}" . }}`,
	`{{ tpl "{{ define \"shared.a\" }}tpl-local{{ end }}{{ include \"shared.a\" . }}" . }}`,
	`{{ toJson .Values.global }}`,
	`{{ $_ := set .Values.global "seen" .Chart.Name }}`,
	`{{ keys .Subcharts | sortAlpha | join "," }}`,
}

func writeRandomEngineChart(t *testing.T, r *rand.Rand, dir, name string, depth int) {
	t.Helper()
	library := depth > 0 && r.IntN(4) == 0
	chart := fmt.Sprintf("apiVersion: v2\nname: %s\nversion: 0.1.0\n", name)
	if library {
		chart += "type: library\n"
	}
	files := map[string]string{
		"Chart.yaml":  chart,
		"values.yaml": fmt.Sprintf("global:\n  from%d: %s\nmut: start-%s\n", depth, name, name),
		"templates/_defs.tpl": fmt.Sprintf("{{- define \"shared.a\" -}}a-from-%s{{- end -}}\n{{- define \"shared.b\" -}}b-%s-[{{ .Values.missing }}]{{- end -}}\n{{- define \"own.%s\" -}}own-%s{{- end -}}\n",
			name, name, name, name),
	}
	for i := range r.IntN(3) + 1 {
		var b strings.Builder
		fmt.Fprintf(&b, "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: %s-%d\ndata:\n", name, i)
		for j := range r.IntN(5) + 1 {
			fmt.Fprintf(&b, "  k%d: |\n    %s\n", j, engineSnippets[r.IntN(len(engineSnippets))])
		}
		files[fmt.Sprintf("templates/%c%d.yaml", 'a'+rune(r.IntN(3)), i)] = b.String()
	}
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if depth < 2 {
		for i := range r.IntN(3) {
			sub := fmt.Sprintf("%s%c", name[:1], 'x'+rune(i))
			writeRandomEngineChart(t, r, filepath.Join(dir, "charts", sub), sub, depth+1)
		}
	}
}
