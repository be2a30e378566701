package deployer_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
)

// install and upgrade --dry-run print what helm prints: the status, then
// HOOKS and MANIFEST, then the notes; --hide-secret replaces each Secret's
// body with helm's HIDDEN line and needs a dry run.
func TestCLIDryRunOutputMatchesHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := "testdata/secretdemo"
	lastDeployed := regexp.MustCompile(`(?m)^LAST DEPLOYED: .*\n`)
	berthOwn := regexp.MustCompile(`(?m)^(DESCRIPTION|CHANGES): .*\n`) // berth's additions to the status
	norm := func(s string) string { return berthOwn.ReplaceAllString(lastDeployed.ReplaceAllString(s, ""), "") }
	mustBerth(t, env, "install", "up", chart)
	helm(t, env, "install", "hup", chart, "-n", env.Namespace)
	for _, args := range [][]string{
		{"install", "REL", chart, "--dry-run"},
		{"install", "REL", chart, "--dry-run", "--hide-secret"},
		{"install", "REL", chart, "--dry-run=server", "--hide-secret", "--hide-notes"},
		{"upgrade", "UP", chart, "--dry-run", "--hide-secret", "--set", "x=1"},
	} {
		sub := func(rel, up string) []string {
			out := make([]string, len(args))
			for i, a := range args {
				out[i] = strings.NewReplacer("REL", rel, "UP", up).Replace(a)
			}
			return out
		}
		got := mustBerth(t, env, sub("dry", "up")...)
		want := helm(t, env, append(sub("dry", "hup"), "-n", env.Namespace)...)
		want = strings.ReplaceAll(want, "hup", "up")
		if norm(got) != norm(want) {
			t.Errorf("%s: berth\n%s\nhelm\n%s", strings.Join(args, " "), got, want)
		}
		if strings.Contains(strings.Join(args, " "), "hide-secret") && (strings.Contains(got, "s3cret") || !strings.Contains(got, "# HIDDEN: The Secret output has been suppressed")) {
			t.Errorf("%s: the Secret is not hidden:\n%s", strings.Join(args, " "), got)
		}
	}
	_, errOut, code := berth(t, env, "install", "nodry", chart, "--hide-secret")
	if code != 1 || !strings.Contains(errOut, "Hiding Kubernetes secrets requires a dry-run mode") {
		t.Errorf("--hide-secret without --dry-run: exit %d %s", code, errOut)
	}
}
