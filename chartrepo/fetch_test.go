package chartrepo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/registry-test/classic"
	"github.com/berth-dev/berth/tools"
)

// servedRepo packages podinfo into a directory indexed by helm with
// baseURL ("" = relative URLs) and serves it with nginx.
func servedRepo(t *testing.T, baseURL string, opts ...classic.Option) *classic.Server {
	t.Helper()
	h := tools.NewHelm(t)
	dir := t.TempDir()
	classic.Package(t, h, dir, "podinfo")
	classic.Index(t, h, dir, baseURL)
	return classic.Start(t, dir, opts...)
}

// TestFetchBounds: an index or archive over the limit and a cancelled
// context fail the download instead of reading on.
func TestFetchBounds(t *testing.T) {
	s := servedRepo(t, "")
	e := &Entry{Name: "r", URL: s.URL}
	ctx := t.Context()
	c, err := NewClient(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, idx, err := c.FetchIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cv, err := idx.Get("podinfo", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FetchChart(ctx, cv); err != nil {
		t.Fatal(err)
	}
	small, _ := NewClient(e, Options{MaxIndexSize: 100, MaxChartSize: 100})
	if _, _, err := small.FetchIndex(ctx); err == nil || !strings.Contains(err.Error(), "more than the limit of 100") {
		t.Fatalf("index over the limit: %v", err)
	}
	if _, err := small.FetchChart(ctx, cv); err == nil || !strings.Contains(err.Error(), "limit of 100") {
		t.Fatalf("chart over the limit: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := c.FetchIndex(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
	// A tampered archive fails its index digest.
	files, _ := filepath.Glob(filepath.Join(s.Dir, "*.tgz"))
	b, _ := os.ReadFile(files[0])
	if err := os.WriteFile(files[0], append(b, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FetchChart(ctx, cv); err == nil || !strings.Contains(err.Error(), "does not match the index") {
		t.Fatalf("tampered archive: %v", err)
	}
}

// TestCredentialsScope: basic auth goes to the repository's own host only,
// unless pass_credentials_all; the other server's access log tells what
// it received.
func TestCredentialsScope(t *testing.T) {
	charts := servedRepo(t, "") // the archives' host, no auth
	h := tools.NewHelm(t)
	dir := copyDir(t, charts.Dir)
	classic.Index(t, h, dir, charts.URL) // absolute URLs on the other host
	repo := classic.Start(t, dir, classic.BasicAuth())
	for _, pass := range []bool{false, true} {
		p := Paths{Config: filepath.Join(t.TempDir(), "repositories.yaml"), Cache: t.TempDir()}
		e := &Entry{Name: "r", URL: repo.URL, Username: repo.Username, Password: repo.Password, PassCredentialsAll: pass}
		if _, err := Add(t.Context(), p, e, false, Options{}); err != nil {
			t.Fatal(err)
		}
		before := len(charts.Requests())
		if _, err := Locate(t.Context(), p, "r/podinfo", "", Options{}); err != nil {
			t.Fatal(err)
		}
		log := charts.WaitRequests(before + 1)
		if len(log) != before+1 {
			t.Fatalf("the archive host logged %d requests, want %d", len(log), before+1)
		}
		last := log[len(log)-1]
		if sent := strings.Contains(last, " "+repo.Username+" "); sent != pass {
			t.Fatalf("pass_credentials_all=%v: the other host's log says %q", pass, last)
		}
	}
}

// TestDefaultPaths: Helm's order: HELM_REPOSITORY_*, then HELM_*_HOME as
// is, then XDG_*_HOME/helm, then the OS default.
func TestDefaultPaths(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cases := []struct {
		env           map[string]string
		config, cache string
	}{
		{map[string]string{"HELM_REPOSITORY_CONFIG": "/a/r.yaml", "HELM_REPOSITORY_CACHE": "/b", "HELM_CONFIG_HOME": "/x"}, "/a/r.yaml", "/b"},
		{map[string]string{"HELM_CONFIG_HOME": "/c", "HELM_CACHE_HOME": "/d", "XDG_CONFIG_HOME": "/x"}, "/c/repositories.yaml", "/d/repository"},
		{map[string]string{"XDG_CONFIG_HOME": "/x", "XDG_CACHE_HOME": "/y"}, "/x/helm/repositories.yaml", "/y/helm/repository"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/helm/repositories.yaml", "/home/u/.cache/helm/repository"},
	}
	for _, tc := range cases {
		p := DefaultPaths(env(tc.env))
		if p.Config != tc.config || p.Cache != tc.cache {
			t.Errorf("%v: %+v", tc.env, p)
		}
	}
}

// TestRedirectToPlainHTTPRefused: an https repository that redirects to
// http:// is not followed.
func TestRedirectToPlainHTTPRefused(t *testing.T) {
	plain := servedRepo(t, "")
	s := classic.Start(t, t.TempDir(), classic.TLS(),
		classic.ServerConfig("location = /index.yaml { return 302 "+plain.URL+"/index.yaml; }"))
	c, err := NewClient(&Entry{Name: "r", URL: s.URL, CAFile: s.CAFile}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.FetchIndex(t.Context()); err == nil || !strings.Contains(err.Error(), "refusing redirect from https://") {
		t.Fatalf("redirect to http: %v", err)
	}
	if n := len(plain.Requests()); n != 0 {
		t.Fatalf("the plain HTTP server got %d requests", n)
	}
	// The same redirect is followed when the user chose http:// for both.
	s2 := classic.Start(t, t.TempDir(), classic.ServerConfig("location = /index.yaml { return 302 "+plain.URL+"/index.yaml; }"))
	c2, _ := NewClient(&Entry{Name: "r", URL: s2.URL}, Options{})
	if _, _, err := c2.FetchIndex(t.Context()); err != nil {
		t.Fatalf("http to http redirect: %v", err)
	}
}

// TestConcurrentAdds: adds racing on one repositories.yaml all land (the
// file is locked as helm locks it, so none overwrites another).
func TestConcurrentAdds(t *testing.T) {
	s := servedRepo(t, "")
	p := Paths{Config: filepath.Join(t.TempDir(), "repositories.yaml"), Cache: t.TempDir()}
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := Add(t.Context(), p, &Entry{Name: fmt.Sprintf("r%d", i), URL: s.URL}, false, Options{})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := LoadConfig(p.Config)
	if err != nil || len(cfg.Repositories) != n {
		t.Fatalf("%d repositories saved, want %d (%v)", len(cfg.Repositories), n, err)
	}
}
