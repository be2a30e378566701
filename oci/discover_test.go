package oci

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	registrytest "github.com/berth-dev/berth/registry-test"
)

func TestVersionsSearchShow(t *testing.T) {
	h := newOracle(t)
	r := registrytest.Start(t)
	p := registrytest.NewProxy(t, r)
	c := clientFor(t, p.Registry, "", "")
	ctx := t.Context()
	var pushed []*PushResult
	for _, v := range []string{"1.0.0", "1.10.0+b.2", "1.9.0", "v2.0.0"} {
		res, err := c.Push(ctx, packageVersion(t, h, v), "oci://"+p.Registry.Host+"/charts", PushOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pushed = append(pushed, res)
	}
	if _, err := c.Push(ctx, packageVersion(t, h, "0.1.0"), "oci://"+p.Registry.Host+"/other", PushOptions{}); err != nil {
		t.Fatal(err)
	}
	list, err := c.Versions(ctx, "oci://"+p.Registry.Host+"/charts/podinfo")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range list.Versions {
		got = append(got, v.Version)
		if v.Digest == "" || v.Created == "" {
			t.Fatalf("version %s lacks digest or created: %+v", v.Version, v)
		}
	}
	if !slices.Equal(got, []string{"1.10.0+b.2", "1.9.0", "1.0.0"}) || !slices.Equal(list.OtherTags, []string{"v2.0.0"}) {
		t.Fatalf("versions %v, other tags %v", got, list.OtherTags)
	}
	if list.Versions[0].Digest != pushed[1].Digest || list.Versions[0].Tag != "1.10.0_b.2" {
		t.Fatalf("newest version %+v, pushed %s", list.Versions[0], pushed[1].Digest)
	}

	repos, err := c.Search(ctx, "oci://"+p.Registry.Host+"/charts")
	if err != nil || !slices.Equal(repos, []string{"oci://" + p.Registry.Host + "/charts/podinfo"}) {
		t.Fatalf("search: %v %v", repos, err)
	}

	// show chart reads only the config blob.
	fresh := clientFor(t, p.Registry, "", "")
	p.Reset()
	meta, err := fresh.ShowMetadata(ctx, "oci://"+p.Registry.Host+"/charts/podinfo", PullOptions{Version: "1.9.0"})
	if err != nil || meta.Version != "1.9.0" || meta.Name != "podinfo" {
		t.Fatalf("show chart: %+v %v", meta, err)
	}
	if p.BlobGETs() != 1 {
		t.Fatalf("show chart made %d blob requests, want 1 (the config)", p.BlobGETs())
	}
	if p.Reset(); len(p.Requests()) != 0 {
		t.Fatal("reset")
	}
	// A later pull of that version reuses the cached config blob.
	full, err := fresh.Pull(ctx, "oci://"+p.Registry.Host+"/charts/podinfo", PullOptions{Version: "1.9.0"})
	if err != nil || full.Metadata.Version != "1.9.0" || p.BlobGETs() != 1 {
		t.Fatalf("pull after show: %v, %d blob GETs (want 1: the chart layer)", err, p.BlobGETs())
	}
}

func TestLoginLogoutAndCredentialStores(t *testing.T) {
	r := registrytest.Start(t, registrytest.Bearer())
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	ctx := t.Context()
	docker := filepath.Join(t.TempDir(), "config.json")
	opts := Options{PlainHTTP: true, DockerConfig: docker, HelmRegistryConfig: filepath.Join(t.TempDir(), "none.json"), CacheDir: t.TempDir()}
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Login(ctx, r.Host, r.Username, "not-the-password")
	if err == nil || strings.Contains(err.Error(), "not-the-password") {
		t.Fatalf("login with wrong password: %v", err)
	}
	if _, err := os.Stat(docker); err == nil {
		t.Fatal("failed login wrote the config file")
	}
	if err := c.Login(ctx, r.Host, r.Username, r.Password); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(docker)
	if !strings.Contains(string(b), r.Host) {
		t.Fatalf("config.json lacks %s: %s", r.Host, b)
	}
	if _, err := c.Push(ctx, tgz, "oci://"+r.Host+"/charts", PushOptions{}); err != nil {
		t.Fatalf("push with stored login: %v", err)
	}
	if err := c.Logout(ctx, r.Host); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx, r.Host); err == nil {
		t.Fatal("second logout should fail: not logged in")
	}
	anon, _ := NewClient(opts)
	if _, err := anon.Push(ctx, tgz, "oci://"+r.Host+"/charts2", PushOptions{}); err == nil {
		t.Fatal("push after logout succeeded")
	}

	// Helm's registry config is read when Docker's has no entry.
	h.login(r)
	viaHelm, _ := NewClient(Options{PlainHTTP: true, DockerConfig: docker, CacheDir: t.TempDir(),
		HelmRegistryConfig: filepath.Join(h.home, "registry.json")})
	if _, err := viaHelm.Pull(ctx, "oci://"+r.Host+"/charts/podinfo", PullOptions{}); err != nil {
		t.Fatalf("pull with helm's login: %v", err)
	}

	// A credential helper that is not installed gives a clear error.
	if err := os.WriteFile(docker, []byte(`{"credsStore":"berth-missing"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	withHelper, _ := NewClient(Options{PlainHTTP: true, DockerConfig: docker, CacheDir: t.TempDir()})
	_, err = withHelper.Pull(ctx, "oci://"+r.Host+"/charts/podinfo", PullOptions{})
	if err == nil || !strings.Contains(err.Error(), "docker-credential-berth-missing") || !strings.Contains(err.Error(), "not installed") {
		t.Fatalf("missing helper: %v", err)
	}
}

// TestServe runs `registry serve` with htpasswd and TLS; berth and helm
// (the oracle, through --ca-file) both use it.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	hash, _ := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	htpasswd := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(htpasswd, []byte("dev:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cert := registrytest.NewServerCert(t)
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, ServeOptions{Addr: "127.0.0.1:0", Dir: filepath.Join(dir, "data"), Htpasswd: htpasswd,
			TLSCert: cert.CertFile, TLSKey: cert.KeyFile}, func(a string) { addrc <- a })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(30 * time.Second):
		t.Fatal("registry serve did not start")
	}
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	c, _ := NewClient(Options{CAFile: cert.CAFile, Username: "dev", Password: "s3cret", CacheDir: t.TempDir()})
	res, err := c.Push(ctx, tgz, "oci://"+addr+"/charts", PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Pull(ctx, res.Pinned, PullOptions{})
	if err != nil || !bytes.Equal(got.Chart, tgz) {
		t.Fatalf("pull from registry serve: %v", err)
	}
	h.run("s3cret", "registry", "login", addr, "-u", "dev", "--password-stdin", "--ca-file", cert.CAFile)
	dest := t.TempDir()
	h.run("", "pull", "oci://"+addr+"/charts/podinfo", "--version", res.Version, "-d", dest, "--ca-file", cert.CAFile)
	if b, _ := os.ReadFile(filepath.Join(dest, "podinfo-"+res.Version+".tgz")); !bytes.Equal(b, tgz) {
		t.Fatal("helm pulled different bytes from registry serve")
	}
	bad, _ := NewClient(Options{CAFile: cert.CAFile, Username: "dev", Password: "nope", CacheDir: t.TempDir()})
	if _, err := bad.Pull(ctx, res.Pinned, PullOptions{}); err == nil {
		t.Fatal("wrong password accepted")
	}
}
