package oci

import (
	"os"
	"testing"
)

func TestParseReference(t *testing.T) {
	const d = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	cases := []struct {
		in   string
		want Reference
	}{
		{"oci://localhost:5000/charts/app", Reference{"localhost:5000", "charts/app", "", ""}},
		{"oci://ghcr.io/org/charts/app:1.2.3+build.1", Reference{"ghcr.io", "org/charts/app", "1.2.3_build.1", ""}},
		{"oci://127.0.0.1:5000/app@" + d, Reference{"127.0.0.1:5000", "app", "", d}},
		{"oci://127.0.0.1:5000/app:0.1.0@" + d, Reference{"127.0.0.1:5000", "app", "0.1.0", d}},
	}
	for _, c := range cases {
		got, err := ParseReference(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got != c.want {
			t.Fatalf("%s: got %+v, want %+v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"https://h/app", "oci://h", "oci://h/App", "oci://h/app@sha256:zz", "oci://h/app:bad tag"} {
		if _, err := ParseReference(bad); err == nil {
			t.Errorf("%s: want error", bad)
		}
	}
	r, _ := ParseReference("oci://h:1/ns/app:1.0.0+x@" + d)
	if r.String() != "oci://h:1/ns/app:1.0.0_x@"+d || r.Pinned() != "oci://h:1/ns/app@"+d || r.Name() != "app" {
		t.Fatalf("formatting: %s %s %s", r, r.Pinned(), r.Name())
	}
}

// FuzzParseReference: whatever parses formats back to itself.
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{"oci://h/a", "oci://h:5000/ns/app:1.0.0+b", "oci://h/a@sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "oci://[::1]:5000/a:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReference(s)
		if err != nil {
			return
		}
		again, err := ParseReference(r.String())
		if err != nil || again != r {
			t.Fatalf("%q parsed to %+v, which formats to %q and parses to %+v (%v)", s, r, r.String(), again, err)
		}
	})
}

// TestDockerHubCredentialKey: Docker files the Hub's login under
// https://index.docker.io/v1/ while requests go to registry-1.docker.io.
func TestDockerHubCredentialKey(t *testing.T) {
	dir := t.TempDir()
	cfg := dir + "/config.json"
	if err := os.WriteFile(cfg, []byte(`{"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpodWJzZWNyZXQ="}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newCredentialStore(Options{DockerConfig: cfg, HelmRegistryConfig: dir + "/none.json"})
	host := refForOras(Reference{Registry: "docker.io", Repository: "bitnamicharts/nginx"}).Host()
	cred, err := s.credential(t.Context(), host)
	if err != nil || cred.Username != "user" || cred.Password != "hubsecret" {
		t.Fatalf("credential for %s: %+v %v", host, cred, err)
	}
}
