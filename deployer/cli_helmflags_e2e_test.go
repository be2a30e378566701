package deployer_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// TestCLIHelmFlagsMatchHelm: the Helm flags berth added for scripts do on
// a live cluster what the oracle does, release "b" by berth next to "h" by
// helm in one namespace: --post-renderer (with --post-renderer-args) rewrites
// what is applied and stored, --hide-notes hides the notes from the output
// only, bare --dry-run stores nothing, --reset-then-reuse-values keeps the
// last values, get metadata, status --show-desc, --debug after the command,
// and uninstall --ignore-not-found.
func TestCLIHelmFlagsMatchHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := filepath.Join("testdata", "demo")
	mustHelm := func(t *testing.T, env *testcluster.Env, args ...string) string {
		t.Helper()
		return helm(t, env, append(args, "-n", env.Namespace)...)
	}
	helmCLI := func(t *testing.T, env *testcluster.Env, args ...string) (string, error) {
		out, err := tools.NewHelm(t).Command(append(args, "--kubeconfig", env.Kubeconfig, "-n", env.Namespace)...).CombinedOutput()
		return string(out), err
	}
	// Adds one ConfigMap named after its argument, as a Source-commented
	// document, so the stored manifest keeps Helm's layout.
	script := filepath.Join(t.TempDir(), "add.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncat\nprintf -- '---\\n# Source: demo/templates/added.yaml\\napiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: added-%s\\ndata:\\n  by: post-renderer\\n' \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	sameAs := func(berthOut, helmOut string) (string, string) {
		mask := regexp.MustCompile(`(?m)^(LAST DEPLOYED|DEPLOYED_AT): .*$`)
		b := mask.ReplaceAllString(berthOut, "$1: <time>")
		h := mask.ReplaceAllString(strings.NewReplacer(`"h"`, `"b"`, " h-", " b-", "added-h", "added-b", "NAME: h\n", "NAME: b\n",
			"name: h\n", "name: b\n", "app: h\n", "app: b\n", "demo h revision", "demo b revision").Replace(helmOut), "$1: <time>")
		return b, h
	}

	// Bare --dry-run: nothing stored, in both.
	mustBerth(t, env, "install", "dry", chart, "--dry-run")
	mustHelm(t, env, "install", "dryh", chart, "--dry-run")
	if out := mustBerth(t, env, "list", "-a", "-q"); strings.TrimSpace(out) != "" {
		t.Fatalf("--dry-run stored a release: %q", out)
	}

	for _, who := range []string{"b", "h"} {
		args := []string{"install", who, chart, "--set", "message=one", "--hide-notes", "--post-renderer", script, "--post-renderer-args", who}
		var out string
		if who == "b" {
			out = mustBerth(t, env, args...)
		} else {
			out = mustHelm(t, env, args...)
		}
		if strings.Contains(out, "NOTES:") || !strings.Contains(out, "STATUS: deployed") {
			t.Fatalf("%s install --hide-notes printed:\n%s", who, out)
		}
		cm, err := env.Cluster.Clientset().CoreV1().ConfigMaps(env.Namespace).Get(context.Background(), "added-"+who, metav1.GetOptions{})
		if err != nil || cm.Data["by"] != "post-renderer" {
			t.Fatalf("%s: the post-rendered ConfigMap is not applied: %v", who, err)
		}
	}
	for _, args := range [][]string{
		{"get", "manifest", "%s"},
		{"get", "notes", "%s"},
		{"get", "metadata", "%s"},
		{"status", "%s", "--show-desc"},
	} {
		withName := func(name string) []string {
			out := make([]string, len(args))
			for i, a := range args {
				out[i] = strings.ReplaceAll(a, "%s", name)
			}
			return out
		}
		b, h := sameAs(mustBerth(t, env, append(withName("b"), "--debug")...), mustHelm(t, env, withName("h")...))
		if b != h {
			t.Errorf("%v differs:\nberth:\n%s\nhelm:\n%s", args, b, h)
		}
	}
	var bm, hm map[string]any
	if json.Unmarshal([]byte(mustBerth(t, env, "get", "metadata", "b", "-o", "json")), &bm) != nil ||
		json.Unmarshal([]byte(mustHelm(t, env, "get", "metadata", "h", "-o", "json")), &hm) != nil {
		t.Fatal("get metadata -o json is not JSON")
	}
	for _, m := range []map[string]any{bm, hm} {
		delete(m, "name")
		delete(m, "deployedAt")
	}
	if !reflect.DeepEqual(bm, hm) {
		t.Errorf("get metadata -o json:\nberth %v\nhelm  %v", bm, hm)
	}

	// --reset-then-reuse-values: the last values, then the given ones.
	mustBerth(t, env, "upgrade", "b", chart, "--reset-then-reuse-values", "--set", "replicas=1", "--post-renderer", script, "--post-renderer-args", "b")
	mustHelm(t, env, "upgrade", "h", chart, "--reset-then-reuse-values", "--set", "replicas=1", "--post-renderer", script, "--post-renderer-args", "h")
	b, h := mustBerth(t, env, "get", "values", "b", "-o", "json"), mustHelm(t, env, "get", "values", "h", "-o", "json")
	if b != h || !strings.Contains(b, `"message":"one"`) {
		t.Errorf("values after --reset-then-reuse-values: berth %s, helm %s", b, h)
	}

	// list --no-headers --time-format: both list b and h alike.
	for _, args := range [][]string{{"list", "--no-headers"}, {"list", "--time-format", "2006-01-02"}, {"list", "--time-format", "2006", "--no-headers"}} {
		b, h := mustBerth(t, env, args...), mustHelm(t, env, args...)
		if strings.Join(strings.Fields(b), " ") != strings.Join(strings.Fields(h), " ") {
			t.Errorf("%v:\nberth %q\nhelm  %q", args, b, h)
		}
	}
	// install --name-template names the release from a template.
	mustBerth(t, env, "install", chart, "--name-template", `{{ "named" }}-{{ "by-template" }}`, "--dry-run")

	// template --dry-run=server answers lookup from the cluster; --validate
	// renders for the cluster's version and APIs and refuses objects the
	// API server would refuse.
	live := filepath.Join(t.TempDir(), "live")
	for name, body := range map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: live\nversion: 1.0.0\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: live\ndata:\n" +
			"  seen: {{ (lookup \"v1\" \"ConfigMap\" .Release.Namespace \"b-config\").data | toJson | quote }}\n" +
			"  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n" +
			"  apps: {{ .Capabilities.APIVersions.Has \"apps/v1/Deployment\" | quote }}\n" +
			"{{- if .Values.bad }}\nspec: {}\n{{- end }}\n",
		"templates/other.yaml": "{{- if .Values.unserved }}\napiVersion: example.com/v1\nkind: NotServed\nmetadata:\n  name: x\n{{- end }}\n",
	} {
		p := filepath.Join(live, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		// --kube-version: the oracle is a source build whose default is
		// v1.20.0 (the release's, and berth's, v1.37.0); --validate
		// ignores it for the cluster's version, in both.
		{"template", "t", live, "--dry-run=server", "--kube-version", "1.37.0"},
		{"template", "t", live, "--validate", "--kube-version", "1.20.0"},
		{"template", "t", live, "--validate", "--dry-run=server"},
	} {
		b, h := mustBerth(t, env, append(args, "-n", env.Namespace)...), mustHelm(t, env, args...)
		if b != h {
			t.Errorf("%v:\nberth:\n%s\nhelm:\n%s", args, b, h)
		}
		if strings.Contains(strings.Join(args, " "), "server") && !strings.Contains(b, `message`) {
			t.Errorf("%v: lookup did not reach the cluster:\n%s", args, b)
		}
	}
	// A kind the cluster does not serve fails in both.
	_, bErr, bCode := berth(t, env, "template", "t", live, "--validate", "--set", "unserved=true", "-n", env.Namespace)
	var bOut string
	var code int
	hOut, hErr := helmCLI(t, env, "template", "t", live, "--validate", "--set", "unserved=true")
	if bCode != 1 || hErr == nil || !strings.Contains(bErr, "unable to build kubernetes objects from release manifest") ||
		!strings.Contains(hOut, "unable to build kubernetes objects from release manifest") {
		t.Errorf("template --validate of an unserved kind: berth exit %d %s; helm %v %s", bCode, bErr, hErr, hOut)
	}
	// berth is stricter than helm here, as its install is: an unknown field
	// of a built-in kind fails (helm passes it on).
	if _, bErr, bCode = berth(t, env, "template", "t", live, "--validate", "--set", "bad=true", "-n", env.Namespace); bCode != 1 || !strings.Contains(bErr, `unknown field "spec"`) {
		t.Errorf("template --validate of an unknown field: berth exit %d %s", bCode, bErr)
	}

	// Completion in a real bash: release commands offer the releases, -n
	// the namespaces, both read live from the cluster.
	bin := berthBinary(t)
	complete := func(words string) []string {
		t.Helper()
		script := "source <(berth completion bash)\nCOMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1))\n" +
			"_berth_complete; printf '%s\\n' \"${COMPREPLY[@]}\""
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
		cmd.Dir = t.TempDir() // no file names to fall back on
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "KUBECONFIG="+env.Kubeconfig)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	if got := complete(`berth upgrade ""`); !reflect.DeepEqual(got, []string{"b", "h"}) {
		t.Errorf("berth upgrade <TAB>: %q, want the releases b and h", got)
	}
	if got := complete(`berth status -n ` + env.Namespace[:len(env.Namespace)-2]); len(got) != 1 || got[0] != env.Namespace {
		t.Errorf("berth status -n %s<TAB>: %q, want %s", env.Namespace[:len(env.Namespace)-2], got, env.Namespace)
	}

	// uninstall --ignore-not-found: a missing release is a success.
	bOut, bErr, code = berth(t, env, "uninstall", "nosuch", "--ignore-not-found")
	hOut, hErr = helmCLI(t, env, "uninstall", "nosuch", "--ignore-not-found")
	if code != 0 || hErr != nil || bOut != hOut {
		t.Errorf("uninstall --ignore-not-found: berth exit %d %q %s; helm %v %q", code, bOut, bErr, hErr, hOut)
	}
	if _, _, code := berth(t, env, "uninstall", "nosuch"); code != 1 {
		t.Errorf("uninstall of a missing release without the flag: exit %d", code)
	}
}
