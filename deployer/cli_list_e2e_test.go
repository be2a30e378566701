package deployer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/testcluster"
)

// list's filters and orders (--filter, --selector, --date, --reverse,
// with --max/--offset and -q) print what helm's print, on releases that
// berth and helm installed in turn, a second apart.
func TestCLIListFiltersMatchHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := "testdata/demo"
	ns := []string{"-n", env.Namespace}
	// Installed out of name order so date and name orders differ.
	for i, name := range []string{"charlie", "alpha", "delta", "bravo"} {
		args := append([]string{"install", name, chart, "--labels", "team=" + []string{"a", "b"}[i%2]}, ns...)
		if i%2 == 0 {
			mustBerth(t, env, args...)
		} else {
			helm(t, env, args...)
		}
		time.Sleep(1100 * time.Millisecond) // helm sorts dates by the second
	}
	mustBerth(t, env, append([]string{"upgrade", "charlie", chart, "--reuse-values", "--set", "message=later"}, ns...)...)
	for _, flags := range [][]string{
		{"--date"},
		{"--date", "--reverse"},
		{"-d", "-r", "--max", "2", "--offset", "1"},
		{"--reverse"},
		{"-r", "--max", "3"},
		{"--filter", "^(a|c)"},
		{"-f", "ar", "--date"},
		{"--selector", "team=a"},
		{"-l", "team!=a,status=deployed"},
		{"-l", "name=delta"},
		{"-q", "--date"},
		{"-q", "-r", "-f", "a$"},
	} {
		args := append(append([]string{"list"}, flags...), ns...)
		want := helm(t, env, args...)
		got := mustBerth(t, env, args...)
		if !strings.Contains(strings.Join(flags, " "), "-q") {
			want, got = names(want), names(got)
		}
		if got != want {
			t.Errorf("list %s: berth\n%s\nhelm\n%s", strings.Join(flags, " "), got, want)
		}
	}
	if _, errOut, code := berth(t, env, append([]string{"list", "--filter", "("}, ns...)...); code != 1 || !strings.Contains(errOut, "missing closing )") {
		t.Errorf("list --filter '(': exit %d, %s", code, errOut)
	}
}

// names is the NAME column of a list table: berth and helm print the
// same rows, but the UPDATED times differ in their fractions.
func names(table string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(table), "\n") {
		out = append(out, strings.Fields(l)[0])
	}
	return strings.Join(out, "\n")
}
