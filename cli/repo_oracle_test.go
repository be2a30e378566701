package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/registry-test/classic"
	"github.com/berth-dev/berth/tools"
)

// classicRepo is a repository made by helm package + helm repo index and
// served by nginx with TLS and basic auth, added to the helm oracle (its own
// repositories.yaml and cache) and to berth (another pair, through
// HELM_REPOSITORY_CONFIG and HELM_REPOSITORY_CACHE).
type classicRepo struct {
	srv        *classic.Server
	helm       *tools.Helm
	berthPaths [2]string // config, cache
	helmPaths  [2]string
}

func startClassicRepo(t *testing.T) *classicRepo {
	t.Helper()
	h := tools.NewHelm(t)
	dir := t.TempDir()
	classic.Package(t, h, dir, "podinfo", "6.0.0", "6.1.0", "6.2.0-rc.1", "7.0.0-beta.1")
	classic.Package(t, h, dir, "nginx")
	classic.Package(t, h, dir, "istio-base")
	classic.Index(t, h, dir, "")
	r := &classicRepo{srv: classic.Start(t, dir, classic.TLS(), classic.BasicAuth()), helm: h}
	r.helmPaths = [2]string{filepath.Join(h.Home, "config", "repositories.yaml"), filepath.Join(h.Home, "cache", "repository")}
	b := t.TempDir()
	r.berthPaths = [2]string{filepath.Join(b, "config", "repositories.yaml"), filepath.Join(b, "cache")}
	r.useBerthPaths(t, r.berthPaths)
	add := []string{"repo", "add", "demo", r.srv.URL, "--username", r.srv.Username, "--password", r.srv.Password, "--ca-file", r.srv.CAFile}
	h.MustRun(t, add...)
	if code, out, errOut := run(t, add...); code != 0 || out != "\"demo\" has been added to your repositories\n" {
		t.Fatalf("berth repo add: %d %q %s", code, out, errOut)
	}
	return r
}

// useBerthPaths points berth (in-process) at a repositories.yaml and cache.
func (r *classicRepo) useBerthPaths(t *testing.T, p [2]string) {
	t.Setenv("HELM_REPOSITORY_CONFIG", p[0])
	t.Setenv("HELM_REPOSITORY_CACHE", p[1])
}

// helmWith runs the oracle with a repositories.yaml and cache of choice.
func (r *classicRepo) helmWith(p [2]string, args ...string) (string, string, int) {
	cmd := r.helm.Command(args...)
	cmd.Env = append(cmd.Env, "HELM_REPOSITORY_CONFIG="+p[0], "HELM_REPOSITORY_CACHE="+p[1])
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		panic(err)
	}
	return stdout.String(), stderr.String(), code
}

// TestClassicRepoSearchMatchesHelm: search repo prints what helm prints
// (table, JSON, YAML, ranges, --devel, --versions, regexp, no result), from
// berth's own config and cache and from helm's, and helm reads berth's.
func TestClassicRepoSearchMatchesHelm(t *testing.T) {
	r := startClassicRepo(t)
	cases := [][]string{
		{}, {"podinfo"}, {"NGINX"}, {"demo/"}, {"istio"}, {"--versions"}, {"--devel"}, {"--devel", "--versions", "podinfo"},
		{"--version", "^6"}, {"--version", ">=6.1.0", "--versions"}, {"--version", "~6.2.0-0", "--versions"},
		{"-o", "json"}, {"-l", "-o", "json"}, {"-o", "yaml", "--devel"}, {"-r", "pod.*fo"}, {"-r", "NGINX"},
		{"no-such-chart"}, {"no-such-chart", "-o", "json"}, {"--max-col-width", "12"}, {"--max-col-width", "0", "-l"},
		{"web application"}, {"podinfo", "--fail-on-no-result"}, {"nothing", "--fail-on-no-result"},
	}
	for name, paths := range map[string][2]string{"berth-config": r.berthPaths, "helm-config": r.helmPaths} {
		r.useBerthPaths(t, paths)
		for _, args := range cases {
			full := append([]string{"search", "repo"}, args...)
			want, wantErr, wantCode := r.helmWith(paths, full...)
			code, got, gotErr := run(t, full...)
			if code != wantCode || got != want {
				t.Errorf("%s: berth %v: exit %d, helm %d\n--- berth:\n%s%s--- helm:\n%s%s", name, args, code, wantCode, got, gotErr, want, wantErr)
			}
		}
	}
	// helm reads the repositories.yaml and cache berth wrote.
	want, _, _ := r.helmWith(r.helmPaths, "search", "repo", "-l", "--devel")
	got, errOut, code := r.helmWith(r.berthPaths, "search", "repo", "-l", "--devel")
	if code != 0 || got != want || !strings.Contains(got, "demo/podinfo") {
		t.Fatalf("helm on berth's config: %d\n%s%s\nwant:\n%s", code, got, errOut, want)
	}
	listWant, _, _ := r.helmWith(r.helmPaths, "repo", "list")
	r.useBerthPaths(t, r.berthPaths)
	if code, out, _ := run(t, "repo", "list"); code != 0 || out != listWant {
		t.Fatalf("repo list: %q, helm %q", out, listWant)
	}
}

// TestClassicRepoChartRefsMatchHelm: REPO/CHART with --version ranges and
// --devel gives the bytes helm pull saves, the manifests helm template
// renders and the values helm show prints.
func TestClassicRepoChartRefsMatchHelm(t *testing.T) {
	r := startClassicRepo(t)
	for _, sel := range [][]string{{}, {"--version", "^6"}, {"--version", "6.0.0"}, {"--version", "~6.1"}, {"--devel"}, {"--version", ">=6.2.0-0 <7.0.0"}} {
		hd, bd := t.TempDir(), t.TempDir()
		_, herr, hcode := r.helmWith(r.helmPaths, append([]string{"pull", "demo/podinfo", "-d", hd}, sel...)...)
		code, _, berr := run(t, append([]string{"pull", "demo/podinfo", "-d", bd}, sel...)...)
		if code != 0 || hcode != 0 {
			t.Fatalf("pull %v: berth %d %s / helm %d %s", sel, code, berr, hcode, herr)
		}
		assertSameFiles(t, hd, bd)

		targs := append([]string{"template", "rel", "demo/podinfo", "--skip-tests"}, commonFlags(sel...)...)
		want, herr, hcode := r.helmWith(r.helmPaths, targs...)
		code, got, berr := run(t, targs...)
		if code != hcode || got != want {
			t.Fatalf("template %v: berth %d, helm %d\n%s\n%s\n%s", sel, code, hcode, unifiedDiff("helm", want, "berth", got), berr, herr)
		}
		sargs := append([]string{"show", "chart", "demo/podinfo"}, sel...)
		want, _, _ = r.helmWith(r.helmPaths, sargs...)
		if code, got, berr := run(t, sargs...); code != 0 || got != want {
			t.Fatalf("show chart %v:\n%s%s", sel, unifiedDiff("helm", want, "berth", got), berr)
		}
	}
	// An https:// archive URL under the configured repository: berth uses
	// its CA and credentials (helm, which matches only URLs written in full
	// in an index, needs them on the command line).
	u := r.srv.URL + "/podinfo-6.0.0.tgz"
	targs := append([]string{"template", "rel", u, "--skip-tests"}, commonFlags()...)
	want, herr, hcode := r.helmWith(r.helmPaths, append(targs, "--ca-file", r.srv.CAFile, "--username", r.srv.Username, "--password", r.srv.Password)...)
	if code, got, berr := run(t, targs...); code != 0 || hcode != 0 || got != want {
		t.Fatalf("template of a URL: berth %d, helm %d\n%s\n%s%s", code, hcode, unifiedDiff("helm", want, "berth", got), berr, herr)
	}
	// Not under a configured repository: the command line's TLS and
	// credential flags apply, as in helm.
	r.useBerthPaths(t, [2]string{filepath.Join(t.TempDir(), "none.yaml"), t.TempDir()})
	withFlags := append(targs, "--ca-file", r.srv.CAFile, "--username", r.srv.Username, "--password", r.srv.Password)
	if code, got, berr := run(t, withFlags...); code != 0 || got != want {
		t.Fatalf("template of a URL with flags: %d\n%s", code, berr)
	}
	if code, _, berr := run(t, targs...); code != 1 || !strings.Contains(berr, "certificate") {
		t.Fatalf("template of a URL without the CA: %d %s", code, berr)
	}
	r.useBerthPaths(t, r.berthPaths)
	// A version that is not there: both fail.
	_, _, hcode = r.helmWith(r.helmPaths, "pull", "demo/podinfo", "--version", "9.9.9", "-d", t.TempDir())
	code, _, errOut := run(t, "pull", "demo/podinfo", "--version", "9.9.9", "-d", t.TempDir())
	if hcode == 0 || code != 1 || !strings.Contains(errOut, `chart "podinfo" matching 9.9.9 not found in demo index`) {
		t.Fatalf("missing version: berth %d %q, helm %d", code, errOut, hcode)
	}
	// Untar: the same tree as helm's.
	hd, bd := t.TempDir(), t.TempDir()
	r.helmWith(r.helmPaths, "pull", "demo/nginx", "--untar", "-d", hd)
	if code, _, errOut := run(t, "pull", "demo/nginx", "--untar", "-d", bd); code != 0 {
		t.Fatalf("pull --untar: %s", errOut)
	}
	assertSameFiles(t, filepath.Join(hd, "nginx"), filepath.Join(bd, "nginx"))
}

// assertSameFiles fails unless the two trees hold the same files and bytes.
func assertSameFiles(t *testing.T, want, got string) {
	t.Helper()
	read := func(root string) map[string][]byte {
		m := map[string][]byte{}
		filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			m[rel] = b
			return err
		})
		return m
	}
	w, g := read(want), read(got)
	if len(w) == 0 || len(w) != len(g) {
		t.Fatalf("helm wrote %d files, berth %d", len(w), len(g))
	}
	for name, b := range w {
		if !bytes.Equal(g[name], b) {
			t.Fatalf("%s differs (helm %d bytes, berth %d)", name, len(b), len(g[name]))
		}
	}
}
