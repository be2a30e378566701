package deployer_test

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
)

// sameOutput runs args in both tools against the same releases and wants
// byte-identical stdout: scripts parse these outputs.
func sameOutput(t *testing.T, env *testcluster.Env, args ...string) {
	t.Helper()
	b, h := mustBerth(t, env, args...), helm(t, env, append(args, "-n", env.Namespace)...)
	if b != h {
		t.Errorf("%s differs:\nberth %q\nhelm  %q", strings.Join(args, " "), b, h)
	}
}

// status -o json|yaml and install -o json print Helm's release schema, so
// `jq .info.status` works; berth's additions come on top of it.
func TestCLIStatusSchemaMatchesHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := filepath.Join("testdata", "demo")
	installed := mustBerth(t, env, "install", "s", chart, "--set", "hooks.enabled=true,message=hi", "-o", "json")
	sameOutput(t, env, "status", "s", "-o", "json")
	sameOutput(t, env, "status", "s", "-o", "yaml")

	var st map[string]any
	if err := json.Unmarshal([]byte(helm(t, env, "status", "s", "-n", env.Namespace, "-o", "json")), &st); err != nil {
		t.Fatal(err)
	}
	var in map[string]any
	if err := json.Unmarshal([]byte(installed), &in); err != nil {
		t.Fatalf("install -o json: %v\n%s", err, installed)
	}
	if in["info"].(map[string]any)["status"] != "deployed" || in["changes"] == nil {
		t.Errorf("install -o json: no .info.status or no .changes:\n%s", installed)
	}
	for k, v := range st {
		if !reflect.DeepEqual(in[k], v) {
			t.Errorf("install -o json .%s = %v, helm status has %v", k, in[k], v)
		}
	}
}

// get values prints null without user values and compact JSON like helm;
// get all prints the sections in helm's order; status says when a chart has
// no tests.
func TestCLIGetOutputsMatchHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := filepath.Join("testdata", "demo")
	mustBerth(t, env, "install", "bare", chart)
	mustBerth(t, env, "install", "set", chart, "--set", "hooks.enabled=true,message=hi")
	for _, args := range [][]string{
		{"get", "values", "bare"}, {"get", "values", "bare", "-o", "json"}, {"get", "values", "bare", "-o", "yaml"},
		{"get", "values", "set", "-o", "json"}, {"get", "values", "set", "--all", "-o", "json"},
		{"get", "all", "bare"}, {"get", "all", "set"}, {"status", "bare"}, {"status", "set"},
	} {
		sameOutput(t, env, args...)
	}
}

// list and history print helm's tables and compact JSON; list honours --max
// and --offset as helm does.
func TestCLIListAndHistoryOutputsMatchHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := filepath.Join("testdata", "demo")
	for _, name := range []string{"c", "a", "b"} {
		mustBerth(t, env, "install", name, chart)
	}
	mustBerth(t, env, "upgrade", "a", chart, "--set", "message=2")
	for _, args := range [][]string{
		{"history", "a"}, {"history", "a", "--max", "1"},
		{"list"}, {"list", "-o", "json"}, {"list", "-o", "yaml"},
		{"list", "--max", "2"}, {"list", "--max", "1", "--offset", "1"}, {"list", "--offset", "2", "-q"},
		{"list", "--offset", "5"},
	} {
		sameOutput(t, env, args...)
	}
}
