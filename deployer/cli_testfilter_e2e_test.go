package deployer_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// test --filter runs the hooks helm runs and records them in helm's order
// (skipped first); test --logs fails as helm's does where a test hook is no
// Pod with logs. helm tests one release, berth a twin, same flags.
func TestCLITestFilterMatchesHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := "testdata/tests"
	for i, filters := range [][]string{
		{"--filter", "name=%s-test-b"},
		{"--filter", "!name=%s-test-a"},
		{"--filter", "name=%s-test-a,name=%s-test-c", "--filter", "!name=%s-test-c"},
		{"--filter", "! name=%s-setup"},
	} {
		byHelm, byBerth := fmt.Sprintf("h%d", i), fmt.Sprintf("b%d", i)
		mustBerth(t, env, "install", byHelm, chart)
		mustBerth(t, env, "install", byBerth, chart)
		args := func(rel string) []string {
			out := []string{"test", rel, "-n", env.Namespace}
			for _, f := range filters {
				out = append(out, strings.ReplaceAll(f, "%s", rel))
			}
			return out
		}
		helmOut := helm(t, env, args(byHelm)...)
		berthOut := mustBerth(t, env, args(byBerth)...)
		if got, want := testSuites(berthOut, byBerth), testSuites(helmOut, byHelm); got != want {
			t.Errorf("%v: berth printed\n%s\nhelm\n%s", filters, got, want)
		}
		if got, want := recordedHooks(t, env, byBerth), recordedHooks(t, env, byHelm); got != want {
			t.Errorf("%v: berth recorded hooks\n%s\nhelm\n%s", filters, got, want)
		}
	}
	// The test hooks are Jobs: no Pod of that name has logs, in either tool.
	mustBerth(t, env, "install", "logs", chart)
	cmd := tools.NewHelm(t).Command("test", "logs", "--logs", "--filter", "name=logs-test-b", "-n", env.Namespace, "--kubeconfig", env.Kubeconfig)
	helmOut, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("helm test --logs: %v\n%s", err, helmOut)
	}
	out, errOut, code := berth(t, env, "test", "logs", "--logs", "--filter", "name=logs-test-b", "-n", env.Namespace)
	want := regexp.MustCompile(`(?m)^Error: unable to get pod logs for logs-test-b: .*$`).FindString(string(helmOut))
	if code != 1 || want == "" || !strings.Contains(errOut, strings.TrimPrefix(want, "Error: ")) {
		t.Errorf("berth test --logs: exit %d\n%s%s\nhelm's error: %q", code, out, errOut, want)
	}
	if !strings.Contains(out, "TEST SUITE:     logs-test-b") || !strings.HasSuffix(out, "\n\n") {
		t.Errorf("berth test --logs printed the status, then an empty line, before the logs:\n%q", out)
	}
}

// testSuites is the TEST SUITE / Phase lines of `test` output, the
// release name replaced and times dropped.
func testSuites(out, rel string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "TEST SUITE:") || strings.HasPrefix(l, "Phase:") {
			keep = append(keep, strings.ReplaceAll(l, rel, "REL"))
		}
	}
	return strings.Join(keep, "\n")
}

// recordedHooks is the release's hooks as helm reads them back: name (the
// release replaced) and whether and how each last ran, in stored order.
func recordedHooks(t *testing.T, env *testcluster.Env, rel string) string {
	t.Helper()
	var st struct {
		Hooks []struct {
			Name    string `json:"name"`
			LastRun struct {
				Phase string `json:"phase"`
			} `json:"last_run"`
		} `json:"hooks"`
	}
	if err := json.Unmarshal([]byte(helm(t, env, "status", rel, "-n", env.Namespace, "-o", "json")), &st); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range st.Hooks {
		out = append(out, strings.ReplaceAll(h.Name, rel, "REL")+" "+h.LastRun.Phase)
	}
	return strings.Join(out, "\n")
}
