package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"sigs.k8s.io/yaml"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/testcluster"
)

// structuredOutputCommands are the commands whose -o takes table|json|yaml:
// every one must appear in TestOutputJSON's plan.
func structuredOutputCommands() []string {
	var out []string
	for path, c := range commandPaths() {
		for _, f := range c.Flags {
			if sf, ok := f.(interface{ GetUsage() string }); ok && slicesHas(f.Names(), flagOutput) &&
				strings.Contains(sf.GetUsage(), "json") {
				out = append(out, path)
			}
		}
	}
	return out
}

func slicesHas(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestOutputJSON runs every command that prints state with -o json against
// a real registry and control plane and checks that stdout is one JSON
// value; read-only commands must also give the same data with -o yaml.
func TestOutputJSON(t *testing.T) {
	r := registrytest.Start(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("COSIGN_PASSWORD", "output-json")
	cluster, err := testcluster.Start(t.Context(), testcluster.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Stop)
	dir0 := t.TempDir()
	kubeconfig := filepath.Join(dir0, "kubeconfig")
	if err := cluster.WriteKubeconfig(kubeconfig, "default"); err != nil {
		t.Fatal(err)
	}
	// A list, as kubectl takes it: missing files are skipped, the rest merged.
	t.Setenv("KUBECONFIG", kubeconfig+string(os.PathListSeparator)+filepath.Join(dir0, "missing"))

	dir := t.TempDir()
	imageTar := filepath.Join(dir, "hello.tar")
	img, _ := random.Image(1024, 1)
	if err := tarball.WriteToFile(imageTar, name.MustParseReference("hello:1.0"), img); err != nil {
		t.Fatal(err)
	}
	chart, _ := filepath.Abs("../examples/hello")
	parent := filepath.Join(dir, "parent")
	os.MkdirAll(parent, 0o755)
	os.WriteFile(filepath.Join(parent, "Chart.yaml"), []byte("apiVersion: v2\nname: parent\nversion: 1.0.0\n"+
		"dependencies:\n  - name: hello\n    version: 0.1.0\n    repository: oci://"+r.Host+"/charts\n"), 0o644)
	ns := "oci://" + r.Host
	plain := "--plain-http"

	var pinned string // the release's pinned chart, known after "release"
	steps := []struct {
		path     string
		args     func() []string
		readOnly bool
		codes    []int // exit codes besides 0
	}{
		{"version", func() []string { return nil }, true, nil},
		{"push", func() []string { return []string{chart, ns + "/charts", plain} }, false, nil},
		{"versions", func() []string { return []string{ns + "/charts/hello", plain} }, true, nil},
		{"search", func() []string { return []string{ns, plain} }, true, nil},
		{"pull", func() []string { return []string{ns + "/charts/hello", "--version", "0.1.0", "-d", t.TempDir(), plain} }, false, nil},
		{"dependency update", func() []string { return []string{parent, plain} }, false, nil},
		{"dependency build", func() []string { return []string{parent, plain} }, false, nil},
		{"release", func() []string { return []string{chart, "--image", "hello=" + imageTar, "--to", ns + "/apps", plain} }, false, nil},
		{"install", func() []string { return []string{"web", pinned, plain} }, false, nil},
		{"upgrade", func() []string { return []string{"web", pinned, plain, "--set", "replicaCount=2"} }, false, nil},
		{"history", func() []string { return []string{"web"} }, true, nil},
		{"status", func() []string { return []string{"web"} }, true, nil},
		{"list", func() []string { return nil }, true, nil},
		{"get values", func() []string { return []string{"web", "--all"} }, true, nil},
		{"get metadata", func() []string { return []string{"web"} }, true, nil},
		{"diff upgrade", func() []string { return []string{"web", pinned, plain} }, true, []int{2}},
		{"diff rollback", func() []string { return []string{"web", "1"} }, true, []int{2}},
		{"bundle push", func() []string {
			bundle := filepath.Join(dir, "b.tar")
			if code, _, errOut := runStdin(t, "", "bundle", "save", pinned, "--file", bundle, plain); code != 0 {
				t.Fatalf("bundle save: %s", errOut)
			}
			return []string{bundle, "--to", ns + "/site", plain}
		}, false, nil},
		{"bundle list", func() []string { return []string{filepath.Join(dir, "b.tar")} }, true, nil},
		{"copy", func() []string { return []string{pinned, "--to", ns + "/mirror", plain} }, false, nil},
		{"sign", func() []string {
			if code, _, errOut := runStdin(t, "", "key", "generate", dir); code != 0 {
				t.Fatalf("key generate: %s", errOut)
			}
			return []string{pinned, "--key", filepath.Join(dir, "cosign.key"), plain}
		}, false, nil},
		{"verify", func() []string { return []string{pinned, "--key", filepath.Join(dir, "cosign.pub"), plain} }, true, nil},
		{"repo list", func() []string { return classicRepoForOutputTest(t) }, true, nil},
		{"search repo", func() []string { return []string{"hello", "--versions"} }, true, nil},
		{"repo mirror", func() []string { return []string{"cls", "--to", ns + "/classic", plain} }, false, nil},
	}
	planned := map[string]bool{}
	for _, s := range steps {
		planned[s.path] = true
	}
	for _, p := range structuredOutputCommands() {
		if !planned[p] {
			t.Errorf("berth %s has -o json but no step in TestOutputJSON", p)
		}
	}
	for _, s := range steps {
		args := append(strings.Fields(s.path), s.args()...)
		v := runJSON(t, s.codes, append(args, "-o", "json")...)
		if s.path == "release" {
			pinned = v.(map[string]any)["chart"].(string)
		}
		if s.readOnly {
			code, out, errOut := runStdin(t, "", append(args, "-o", "yaml")...)
			if code != 0 && !slicesHasInt(s.codes, code) {
				t.Fatalf("berth %s -o yaml: exit %d: %s", s.path, code, errOut)
			}
			var y any
			if err := yaml.Unmarshal([]byte(out), &y); err != nil {
				t.Errorf("berth %s -o yaml: %v\n%s", s.path, err, out)
			} else if s.path != "version" && !reflect.DeepEqual(normalize(y), normalize(v)) {
				t.Errorf("berth %s: -o yaml and -o json differ:\n%s", s.path, out)
			}
		}
	}
}

func runJSON(t *testing.T, codes []int, args ...string) any {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), append([]string{"berth"}, args...), Build{Version: "test"}, nil, &stdout, &stderr)
	if code != 0 && !slicesHasInt(codes, code) {
		t.Fatalf("berth %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	var v any
	dec := json.NewDecoder(&stdout)
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("berth %s: stdout is not JSON: %v\n%s", strings.Join(args, " "), err, stdout.String())
	}
	if dec.More() {
		t.Fatalf("berth %s: more than one JSON value on stdout", strings.Join(args, " "))
	}
	if v == nil {
		t.Errorf("berth %s: JSON null", strings.Join(args, " "))
	}
	return v
}

func slicesHasInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// normalize round-trips through JSON so YAML and JSON numbers compare equal.
func normalize(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
