package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"sigs.k8s.io/yaml"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/registry-test/classic"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// repoFlags are --repo URL with the repository's CA and credentials.
func (r *classicRepo) repoFlags() []string {
	return []string{"--repo", r.srv.URL, "--username", r.srv.Username, "--password", r.srv.Password, "--ca-file", r.srv.CAFile}
}

// TestRepoFlagMatchesHelm: CHART --repo URL, with --version ranges and
// --devel, gives the bytes helm pull saves, the manifests helm template
// renders and what helm show prints, with no repository added; a missing
// chart or version, a wrong password and an unreachable URL fail with
// helm's message and exit code; a local chart of that name wins with
// helm's warning.
func TestRepoFlagMatchesHelm(t *testing.T) {
	r := startClassicRepo(t)
	// Neither side has the repository added: --repo alone locates charts.
	empty := [2]string{filepath.Join(t.TempDir(), "repositories.yaml"), t.TempDir()}
	r.useBerthPaths(t, empty)
	rf := r.repoFlags()
	for _, sel := range [][]string{{}, {"--version", "^6"}, {"--version", "6.0.0"}, {"--version", "~6.1"}, {"--devel"}, {"--version", ">=6.2.0-0 <7.0.0"}} {
		hd, bd := t.TempDir(), t.TempDir()
		pull := append(append([]string{"pull", "podinfo"}, rf...), sel...)
		_, herr, hcode := r.helmWith(empty, append(pull, "-d", hd)...)
		code, _, berr := run(t, append(pull, "-d", bd)...)
		if code != 0 || hcode != 0 {
			t.Fatalf("pull %v: berth %d %s / helm %d %s", sel, code, berr, hcode, herr)
		}
		assertSameFiles(t, hd, bd)

		// Flags after NAME CHART (template parses them itself).
		targs := append(append(append([]string{"template", "rel", "podinfo", "--skip-tests"}, rf...), commonFlags()...), sel...)
		want, herr, hcode := r.helmWith(empty, targs...)
		code, got, berr := run(t, targs...)
		if code != 0 || hcode != 0 || got != want {
			t.Fatalf("template %v: berth %d, helm %d\n%s\n%s\n%s", sel, code, hcode, unifiedDiff("helm", want, "berth", got), berr, herr)
		}
		for _, what := range []string{"chart", "values", "readme", "all"} {
			sargs := append(append([]string{"show", what, "podinfo"}, rf...), sel...)
			want, herr, hcode := r.helmWith(empty, sargs...)
			if code, got, berr := run(t, sargs...); code != 0 || hcode != 0 || got != want {
				t.Fatalf("show %s %v: %d %d\n%s%s%s", what, sel, code, hcode, unifiedDiff("helm", want, "berth", got), berr, herr)
			}
		}
	}
	// --repo before the chart, show crds (the shared charts have no crds/: empty for both).
	sargs := append(append([]string{"show", "crds"}, rf...), "base")
	want, herr, hcode := r.helmWith(empty, sargs...)
	if code, got, berr := run(t, sargs...); code != 0 || hcode != 0 || got != want {
		t.Fatalf("show crds: %d %d\n%s%s%s", code, hcode, unifiedDiff("helm", want, "berth", got), berr, herr)
	}

	// Failures: the same message and exit code as helm's.
	badPass := []string{"--repo", r.srv.URL, "--username", r.srv.Username, "--password", "wrong-secret-pw", "--ca-file", r.srv.CAFile}
	for _, args := range [][]string{
		append([]string{"pull", "nope", "-d", t.TempDir()}, rf...),
		append([]string{"pull", "podinfo", "--version", "9.9.9", "-d", t.TempDir()}, rf...),
		append([]string{"show", "chart", "podinfo", "--version", "^9"}, rf...),
		append([]string{"template", "rel", "nope"}, rf...),
		append([]string{"template", "rel", "podinfo", "--devel", "--version", "8.x"}, rf...),
		append([]string{"show", "values", "podinfo"}, badPass...),
		{"pull", "podinfo", "--repo", "https://127.0.0.1:1", "-d", t.TempDir()},
	} {
		_, herr, hcode := r.helmWith(empty, args...)
		code, out, berr := run(t, args...)
		if code != hcode || code == 0 || withoutHints(berr) != herr || strings.Contains(out+berr, "wrong-secret-pw") {
			t.Errorf("%v: berth %d %q, helm %d %q", args, code, berr, hcode, herr)
		}
	}

	// A local chart of that name wins, with helm's warning.
	wd, _ := os.Getwd()
	local := t.TempDir()
	if err := os.Symlink(copyChart(t, "podinfo"), filepath.Join(local, "podinfo")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(local); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
	targs := append(append([]string{"template", "rel", "podinfo", "--skip-tests"}, commonFlags()...), rf...)
	want, herr, hcode = r.helmWith(empty, targs...)
	code, got, berr := run(t, targs...)
	if code != 0 || hcode != 0 || got != want || berr != herr || !strings.Contains(berr, "repository url ignored") {
		t.Fatalf("local chart: berth %d %q, helm %d %q\n%s", code, berr, hcode, herr, unifiedDiff("helm", want, "berth", got))
	}
}

// withoutHints drops the "Hint:" lines berth adds after an error.
func withoutHints(stderr string) string {
	var keep []string
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if !strings.HasPrefix(l, "Hint: ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

// TestRepositoryGlobalFlags: --repository-config and --repository-cache,
// before or after the command, win over $HELM_REPOSITORY_CONFIG and
// $HELM_REPOSITORY_CACHE, as in helm.
func TestRepositoryGlobalFlags(t *testing.T) {
	r := startClassicRepo(t)
	none := [2]string{filepath.Join(t.TempDir(), "none.yaml"), t.TempDir()}
	r.useBerthPaths(t, none)
	cfg, cache := "--repository-config="+r.berthPaths[0], "--repository-cache="+r.berthPaths[1]
	want, _, _ := r.helmWith(r.helmPaths, "search", "repo", "-l", "--devel")
	for _, args := range [][]string{
		{cfg, cache, "search", "repo", "-l", "--devel"},
		{"search", "repo", "-l", "--devel", cfg, cache},
		{cfg, "search", "repo", cache, "-l", "--devel"},
	} {
		if code, got, errOut := run(t, args...); code != 0 || got != want || !strings.Contains(got, "demo/podinfo") {
			t.Fatalf("%v: %d\n%s%s\nwant:\n%s", args, code, got, errOut, want)
		}
	}
	// env shows the effective locations, as helm env does.
	for _, key := range []string{"HELM_REPOSITORY_CONFIG", "HELM_REPOSITORY_CACHE"} {
		for _, args := range [][]string{{"env", key}, {"env", key, cfg, cache}, {cfg, cache, "env", key}} {
			want, _, _ := r.helmWith(none, args...)
			if code, got, errOut := run(t, args...); code != 0 || got != want {
				t.Errorf("%v: %q, helm %q %s", args, got, want, errOut)
			}
		}
	}
	// Chart references, template (its trailing flags) and repo list.
	targs := append([]string{"template", "rel", "demo/podinfo", "--skip-tests"}, commonFlags()...)
	hwant, _, _ := r.helmWith(r.helmPaths, targs...)
	if code, got, errOut := run(t, append(targs, cfg, cache)...); code != 0 || got != hwant {
		t.Fatalf("template with the flags after: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, targs...); code != 1 || !strings.Contains(errOut, "repo demo not found") {
		t.Fatalf("template without the flags: %d %s", code, errOut)
	}
	lwant, _, _ := r.helmWith(r.helmPaths, "repo", "list")
	if code, got, errOut := run(t, "repo", "list", cfg); code != 0 || got != lwant {
		t.Fatalf("repo list: %d %q %s", code, got, errOut)
	}
	// repo add writes where the flags say.
	other := filepath.Join(t.TempDir(), "other.yaml")
	add := []string{"repo", "add", "again", r.srv.URL, "--username", r.srv.Username, "--password", r.srv.Password, "--ca-file", r.srv.CAFile,
		"--repository-config", other, "--repository-cache", r.berthPaths[1]}
	if code, _, errOut := run(t, add...); code != 0 {
		t.Fatalf("repo add: %s", errOut)
	}
	if b, err := os.ReadFile(other); err != nil || !strings.Contains(string(b), "name: again") {
		t.Fatalf("repo add --repository-config: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(r.berthPaths[1], "again-index.yaml")); err != nil {
		t.Fatal(err)
	}
}

// TestPassCredentialsOnlyToTheRepositoryHost: an index on one host (basic
// auth) pointing to charts on another: the credentials go to the second
// host only with --pass-credentials (repo add --pass-credentials for an
// added repository), as helm's rule says; nginx's access log shows which
// user each request carried.
func TestPassCredentialsOnlyToTheRepositoryHost(t *testing.T) {
	r := startClassicRepo(t)
	dir := t.TempDir()
	charts := classic.Start(t, dir, classic.TLS()) // no auth: it logs what it is sent
	classic.Package(t, r.helm, dir, "podinfo", "6.0.0")
	classic.Index(t, r.helm, dir, charts.URL)
	index := classic.Start(t, dir, classic.TLS(), classic.BasicAuth())
	ca := filepath.Join(t.TempDir(), "ca.pem")
	a, _ := os.ReadFile(charts.CAFile)
	b, _ := os.ReadFile(index.CAFile)
	if err := os.WriteFile(ca, append(a, b...), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := []string{"--username", index.Username, "--password", index.Password, "--ca-file", ca}
	sent := func(before int) bool {
		t.Helper()
		lines := charts.WaitRequests(before + 1)
		if len(lines) <= before {
			t.Fatalf("the chart host saw no request: %v", lines)
		}
		for _, l := range lines[before:] {
			if strings.Contains(l, "podinfo-6.0.0.tgz") && strings.Contains(l, index.Username) {
				return true
			}
		}
		return false
	}
	r.useBerthPaths(t, [2]string{filepath.Join(t.TempDir(), "repositories.yaml"), t.TempDir()})
	for _, cmd := range [][]string{
		{"pull", "podinfo", "-d", t.TempDir()},
		{"template", "rel", "podinfo"},
		{"show", "chart", "podinfo"},
	} {
		for _, pass := range []bool{false, true} {
			args := append(append(append([]string{}, cmd...), "--repo", index.URL), creds...)
			if pass {
				args = append(args, "--pass-credentials")
			}
			n := len(charts.Requests())
			if code, _, errOut := run(t, args...); code != 0 {
				t.Fatalf("%v: %d %s", args, code, errOut)
			}
			if got := sent(n); got != pass {
				t.Errorf("%v: credentials sent to the chart host: %v, want %v", args, got, pass)
			}
		}
	}
	// The oracle follows the rule too for what it renders.
	n := len(charts.Requests())
	if _, herr, hcode := r.helmWith(r.helmPaths, append(append([]string{"template", "rel", "podinfo", "--repo", index.URL}, commonFlags()...), creds...)...); hcode != 0 || sent(n) {
		t.Fatalf("helm template --repo: %d %s, or it sent the credentials", hcode, herr)
	}
	// helm pull --repo does not: its downloader compares the chart URL with
	// itself. docs/helm-parity.md says berth differs here.
	n = len(charts.Requests())
	r.helmWith(r.helmPaths, append([]string{"pull", "podinfo", "--repo", index.URL, "-d", t.TempDir()}, creds...)...)
	if !sent(n) {
		t.Errorf("helm pull --repo no longer sends the credentials to the chart host: update docs/helm-parity.md")
	}
	// An added repository: its pass_credentials_all decides.
	for _, pass := range []bool{false, true} {
		add := append([]string{"repo", "add", "idx", index.URL, "--force-update"}, creds...)
		if pass {
			add = append(add, "--pass-credentials")
		}
		if code, _, errOut := run(t, add...); code != 0 {
			t.Fatalf("repo add: %s", errOut)
		}
		n := len(charts.Requests())
		if code, _, errOut := run(t, "pull", "idx/podinfo", "-d", t.TempDir()); code != 0 {
			t.Fatalf("pull idx/podinfo: %s", errOut)
		}
		if got := sent(n); got != pass {
			t.Errorf("added repository, pass_credentials_all=%v: credentials sent: %v", pass, got)
		}
	}
}

// TestDependencySkipRefresh: with --skip-refresh, dependency update and
// build resolve from the cached index of an added repository as it is
// (the cache is left alone); without it the index is refreshed into the
// cache first. helm picks the same versions.
func TestDependencySkipRefresh(t *testing.T) {
	r := startClassicRepo(t)
	// A newer version appears after both caches were filled.
	classic.Package(t, r.helm, r.srv.Dir, "podinfo", "6.3.0")
	classic.Index(t, r.helm, r.srv.Dir, "")
	cacheFile := filepath.Join(r.berthPaths[1], "demo-index.yaml")
	stale, err := os.ReadFile(cacheFile)
	if err != nil || strings.Contains(string(stale), "6.3.0") {
		t.Fatalf("cache: %v", err)
	}
	parent := func() string {
		d := filepath.Join(t.TempDir(), "parent")
		if err := os.MkdirAll(filepath.Join(d, "templates"), 0o755); err != nil {
			t.Fatal(err)
		}
		meta := "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n- name: podinfo\n  version: \"^6\"\n  repository: \"@demo\"\n"
		if err := os.WriteFile(filepath.Join(d, "Chart.yaml"), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	locked := func(dir string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "Chart.lock"))
		if err != nil {
			t.Fatal(err)
		}
		var l struct {
			Dependencies []struct{ Version string } `json:"dependencies"`
		}
		if err := yaml.Unmarshal(b, &l); err != nil || len(l.Dependencies) != 1 {
			t.Fatalf("Chart.lock: %v\n%s", err, b)
		}
		return l.Dependencies[0].Version
	}
	for _, tc := range []struct {
		flags []string
		want  string
	}{{[]string{"--skip-refresh"}, "6.1.0"}, {nil, "6.3.0"}} {
		hd, bd := parent(), parent()
		if _, herr, hcode := r.helmWith(r.helmPaths, append([]string{"dependency", "update", hd}, tc.flags...)...); hcode != 0 {
			t.Fatalf("helm dependency update %v: %s", tc.flags, herr)
		}
		if code, _, errOut := run(t, append([]string{"dependency", "update", bd}, tc.flags...)...); code != 0 {
			t.Fatalf("dependency update %v: %s", tc.flags, errOut)
		}
		if h, b := locked(hd), locked(bd); h != tc.want || b != tc.want {
			t.Fatalf("%v: helm locked %s, berth %s, want %s", tc.flags, h, b, tc.want)
		}
		got, _ := os.ReadFile(cacheFile)
		if refreshed := strings.Contains(string(got), "6.3.0"); refreshed == (tc.flags != nil) {
			t.Fatalf("%v: cache refreshed: %v", tc.flags, refreshed)
		}
		if _, err := os.Stat(filepath.Join(bd, "charts", "podinfo-"+tc.want+".tgz")); err != nil {
			t.Fatal(err)
		}
	}
	// build --skip-refresh of a lock pinning 6.3.0 from a cache that
	// lacks it fails for both; with a refresh it works.
	hd, bd := parent(), parent()
	r.helmWith(r.helmPaths, "dependency", "update", hd)
	if code, _, errOut := run(t, "dependency", "update", bd); code != 0 {
		t.Fatal(errOut)
	}
	if err := os.WriteFile(cacheFile, stale, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.helmPaths[1], "demo-index.yaml"), stale, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, hcode := r.helmWith(r.helmPaths, "dependency", "build", hd, "--skip-refresh")
	code, _, errOut := run(t, "dependency", "build", bd, "--skip-refresh")
	if code != 1 || hcode != 1 || !strings.Contains(errOut, "6.3.0") {
		t.Fatalf("build --skip-refresh from a stale cache: berth %d %s, helm %d", code, errOut, hcode)
	}
	if code, _, errOut := run(t, "dependency", "build", bd); code != 0 {
		t.Fatalf("build: %s", errOut)
	}
}

// TestInstallUpgradeRepoFlag: install, diff upgrade and upgrade take
// CHART --repo URL with --version ranges and --devel; helm reads back the
// versions they selected.
func TestInstallUpgradeRepoFlag(t *testing.T) {
	r := startClassicRepo(t)
	r.useBerthPaths(t, [2]string{filepath.Join(t.TempDir(), "repositories.yaml"), t.TempDir()})
	cluster, err := testcluster.Start(t.Context(), testcluster.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Stop)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := cluster.WriteKubeconfig(kubeconfig, "default"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kubeconfig)
	rf := r.repoFlags()
	if code, out, errOut := run(t, append([]string{"install", "web", "podinfo", "--version", "~6.0", "-n", "default"}, rf...)...); code != 0 {
		t.Fatalf("install: %d %s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, append([]string{"diff", "upgrade", "web", "podinfo", "--version", "^6", "-n", "default"}, rf...)...); code != 2 || !strings.Contains(out, "6.1.0") {
		t.Fatalf("diff upgrade: %d %s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, append([]string{"upgrade", "web", "podinfo", "--devel", "-n", "default"}, rf...)...); code != 0 {
		t.Fatalf("upgrade: %d %s%s", code, out, errOut)
	}
	cmd := r.helm.Command("history", "web", "-n", "default", "--kubeconfig", kubeconfig)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "podinfo-6.0.0") || !strings.Contains(string(out), "podinfo-7.0.0-beta.1") {
		t.Fatalf("helm history: %v\n%s", err, out)
	}
}

// TestRepoMirrorWithImages: repo mirror --with-images pushes each chart
// version unchanged and copies the images its default render deploys into
// the same namespace by digest, where copy --with-images puts them; a
// second run uploads nothing new.
func TestRepoMirrorWithImages(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	h := tools.NewHelm(t)
	src, dst := registrytest.Start(t), registrytest.Start(t)
	digests := map[string]string{}
	for _, tag := range []string{"1.0", "2.0"} {
		img, err := random.Image(2048, 1)
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := name.ParseReference(src.Host + "/team/app:" + tag)
		if err := remote.Write(ref, img, remote.WithTransport(src.HTTPClient().Transport)); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		digests[tag] = d.String()
	}
	// Two versions of a chart, each deploying its own image tag.
	dir := t.TempDir()
	for _, v := range []string{"1.0.0", "2.0.0"} {
		c := filepath.Join(t.TempDir(), "app")
		os.MkdirAll(filepath.Join(c, "templates"), 0o755)
		os.WriteFile(filepath.Join(c, "Chart.yaml"), []byte("apiVersion: v2\nname: app\nversion: "+v+"\n"), 0o644)
		os.WriteFile(filepath.Join(c, "values.yaml"), []byte("image: "+src.Host+"/team/app:"+v[:3]+"\n"), 0o644)
		os.WriteFile(filepath.Join(c, "templates", "deploy.yaml"), []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: app
        image: {{ .Values.image }}
`), 0o644)
		h.MustRun(t, "package", c, "-d", dir)
	}
	classic.Index(t, h, dir, "")
	repo := classic.Start(t, dir, classic.TLS())
	dest := "oci://" + dst.Host + "/mirror"
	args := []string{"repo", "mirror", repo.URL, "--from-ca-file", repo.CAFile, "--to", dest, "--plain-http", "--with-images", "-o", "json"}
	code, out, errOut := run(t, args...)
	var items []mirrorOutput
	if code != 0 || json.Unmarshal([]byte(out), &items) != nil || len(items) != 2 {
		t.Fatalf("mirror --with-images: %d\n%s%s", code, out, errOut)
	}
	for _, it := range items {
		tag := it.Version[:3]
		want := dst.Host + "/mirror/app@" + digests[tag]
		if it.Status != "pushed" || len(it.Images) != 1 || it.Images[0].Ref != want {
			t.Fatalf("%s: %+v, want image %s", it.Version, it, want)
		}
		// The image is there by digest, and the chart is the original archive.
		ref, _ := name.ParseReference(want)
		if _, err := remote.Head(ref, remote.WithTransport(dst.HTTPClient().Transport)); err != nil {
			t.Fatalf("%s not in the registry: %v", want, err)
		}
		d := t.TempDir()
		h.MustRun(t, "pull", dest+"/app", "--version", it.Version, "-d", d, "--plain-http")
		orig, _ := os.ReadFile(filepath.Join(dir, "app-"+it.Version+".tgz"))
		got, _ := os.ReadFile(filepath.Join(d, "app-"+it.Version+".tgz"))
		if len(orig) == 0 || !bytes.Equal(orig, got) {
			t.Fatalf("app %s: the mirrored chart is not the original archive", it.Version)
		}
	}
	// Again: nothing new; without the flag no image is listed.
	code, out, errOut = run(t, args...)
	if code != 0 || strings.Count(out, `"status":"present"`) != 2 || strings.Count(out, "/mirror/app@"+digests["1.0"]) != 1 {
		t.Fatalf("second mirror: %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, args[:len(args)-2]...); code != 0 || !strings.Contains(out, "IMAGES") || !strings.Contains(out, "present") {
		t.Fatalf("mirror --with-images, table: %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, args[:len(args)-3]...); code != 0 || strings.Contains(out, "team/app") || strings.Contains(out, "IMAGES") {
		t.Fatalf("mirror without --with-images: %d\n%s%s", code, out, errOut)
	}
}
