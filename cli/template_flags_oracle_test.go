package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// writeScript writes an executable shell script into dir.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTemplateHelmFlagsMatchHelm: the Helm flags added to template give
// the oracle's stdout, or its error and exit code. The post-renderer sees
// the manifests on stdin (CRDs too with --include-crds, never hooks) and
// gets its arguments; a failing or missing one fails as in Helm.
func TestTemplateHelmFlagsMatchHelm(t *testing.T) {
	bin := t.TempDir()
	// Marks every document it sees and echoes its arguments.
	mark := writeScript(t, bin, "mark.sh", `echo "# post-rendered: $*"
sed 's/^kind:/# seen by the post-renderer\nkind:/'
`)
	fail := writeScript(t, bin, "fail.sh", "echo boom >&2\nexit 3\n")
	empty := writeScript(t, bin, "empty.sh", "cat >/dev/null\n")
	u := filepath.Join(renderTestdata, "umbrella")
	cases := []oracleCase{
		{name: "post-renderer", args: commonFlags("--post-renderer", mark, "rel", u)},
		{name: "post-renderer-args-crds", args: commonFlags("--include-crds", "--post-renderer", mark,
			"--post-renderer-args", "one", "--post-renderer-args", "two words", "rel", u)},
		{name: "post-renderer-show-only", args: commonFlags("rel", u, "--post-renderer", mark, "-s", "templates/configmap.yaml")},
		{name: "post-renderer-skip-tests", args: commonFlags("--post-renderer", mark, "--skip-tests", "rel", u)},
		{name: "post-renderer-no-hooks", args: commonFlags("--post-renderer", mark, "--no-hooks", "rel", u)},
		{name: "post-renderer-empty", args: commonFlags("--post-renderer", empty, "rel", u)},
		{name: "post-renderer-fails", args: commonFlags("--post-renderer", fail, "rel", u)},
		{name: "post-renderer-missing", args: commonFlags("--post-renderer", "no-such-post-renderer", "rel", u)},
		{name: "post-renderer-in-path", args: commonFlags("--post-renderer", "cat", "rel", u)},
		{name: "skip-crds", args: commonFlags("--include-crds", "--skip-crds", "rel", u)},
		{name: "install-flags-ignored", args: commonFlags("rel", u, "--wait", "--atomic", "--timeout", "1m", "--dry-run",
			"--create-namespace", "--description", "d", "--labels", "a=b", "--force", "--hide-notes", "--replace",
			"--take-ownership", "--wait-for-jobs", "--render-subchart-notes", "--disable-openapi-validation")},
		{name: "debug-after-command", args: commonFlags("rel", u, "--debug")},
		{name: "dependency-update-nothing-missing", args: commonFlags("--dependency-update", "rel", u)},
	}
	runOracleCases(t, cases)
}

// TestTemplateReleaseNameMatchesHelm: --release-name puts --output-dir's
// files under a folder named after the release, as Helm does.
func TestTemplateReleaseNameMatchesHelm(t *testing.T) {
	helm, err := tools.Path("helm")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	u := filepath.Join(renderTestdata, "umbrella")
	hDir, bDir := t.TempDir(), t.TempDir()
	h := oracleCase{args: commonFlags("--release-name", "--output-dir", hDir, "rel", u)}
	b := oracleCase{args: commonFlags("--release-name", "--output-dir", bDir, "rel", u)}
	hOut, hErr, hCode := runHelmTemplate(t, helm, home, h)
	bOut, bErr, bCode := runBerthTemplate(b)
	if hCode != 0 || bCode != 0 {
		t.Fatalf("helm %d %s\nberth %d %s", hCode, hErr, bCode, bErr)
	}
	if hs, bs := strings.ReplaceAll(hOut, hDir, "DIR"), strings.ReplaceAll(bOut, bDir, "DIR"); hs != bs {
		t.Fatalf("stdout differs\n%s", unifiedDiff("helm", hs, "berth", bs))
	}
	if _, err := os.Stat(filepath.Join(bDir, "rel", "umbrella", "templates")); err != nil {
		t.Fatalf("no release folder: %v", err)
	}
	compareTrees(t, hDir, bDir)
}

// TestUnknownMatchesHelm: an unknown command gives the oracle's whole
// message ("helm" read as "berth"), an unknown flag its first line (berth
// adds the suggestion and where to read the usage); both exit 1.
func TestUnknownMatchesHelm(t *testing.T) {
	helm := tools.NewHelm(t)
	for _, c := range []struct {
		args      []string
		wholeText bool
	}{
		{[]string{"instal"}, true},
		{[]string{"nosuch"}, true},
		{[]string{"install", "--wiat", "x", "y"}, false},
		{[]string{"install", "x", "y", "--wiat"}, false},
		{[]string{"template", "x", "y", "--wiat=3"}, false},
		{[]string{"status", "-Z", "x"}, false},
	} {
		cmd := helm.Command(c.args...)
		var hErr strings.Builder
		cmd.Stderr = &hErr
		err := cmd.Run()
		hCode := cmd.ProcessState.ExitCode()
		if err == nil || hCode != 1 {
			t.Fatalf("helm %v: exit %d, want 1", c.args, hCode)
		}
		code, _, bErr := runStdin(t, "", c.args...)
		want := strings.ReplaceAll(hErr.String(), "helm", "berth")
		got := bErr
		if !c.wholeText {
			want, _, _ = strings.Cut(want, "\n")
			got, _, _ = strings.Cut(got, "\n")
		}
		if code != hCode || strings.TrimSpace(got) != strings.TrimSpace(want) {
			t.Errorf("berth %v: exit %d, stderr:\n%s\nhelm: exit %d, stderr:\n%s", c.args, code, bErr, hCode, hErr.String())
		}
	}
}

// TestTemplateWarningsMatchHelm: the warnings Helm prints on stderr without
// --debug (a deprecated chart, values that cannot be coalesced, a
// dependency condition that is not a bool) are berth's stderr too. Helm
// prints the coalesce warnings in map order, so lines are compared sorted.
func TestTemplateWarningsMatchHelm(t *testing.T) {
	helm, err := tools.Path("helm")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "old")
	files := map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: old\nversion: 1.0.0\ndeprecated: true\n" +
			"dependencies:\n- name: sub\n  version: 0.1.0\n  condition: sub.on\n",
		"values.yaml":                  "nest:\n  a:\n    x: 1\ncfg:\n  a: 1\nlist: [1]\n",
		"templates/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  v: {{ .Values.nest | toJson | quote }}\n",
		"charts/sub/Chart.yaml":        "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
		"charts/sub/values.yaml":       "on: true\n",
		"charts/sub/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	home := t.TempDir()
	for name, args := range map[string][]string{
		"deprecated":     {"rel", dir},
		"coalesce":       {"rel", dir, "--set", "nest.a=5", "--set", "cfg.a.b=1", "--set", "list.a=1"},
		"condition":      {"rel", dir, "--set", "sub.on=maybe"},
		"post-renderer":  {"rel", dir, "--set", "nest.a=5", "--post-renderer", "cat"},
		"table-override": {"rel", dir, "--set", "nest.a.x=2"},
	} {
		t.Run(name, func(t *testing.T) {
			tc := oracleCase{args: commonFlags(args...)}
			hOut, hErr, hCode := runHelmTemplate(t, helm, home, tc)
			bOut, bErr, bCode := runBerthTemplate(tc)
			if hCode != 0 || bCode != 0 || hOut != bOut {
				t.Fatalf("helm exit %d, berth exit %d\n%s\nhelm stderr:\n%s\nberth stderr:\n%s", hCode, bCode,
					unifiedDiff("helm", hOut, "berth", bOut), hErr, bErr)
			}
			if h, b := sortedLines(hErr), sortedLines(bErr); h != b {
				t.Fatalf("stderr differs\n%s", unifiedDiff("helm", h, "berth", b))
			}
			if !strings.Contains(bErr, "WARNING: This chart is deprecated\n") {
				t.Fatalf("no deprecation warning:\n%s", bErr)
			}
		})
	}
}

func sortedLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
