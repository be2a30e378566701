package oci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// credentialHelper installs a real docker-credential-<name> executable (a
// shell script speaking the helper protocol, storing entries as files) on
// PATH and returns the folder it stores into.
func credentialHelper(t *testing.T, name string) string {
	t.Helper()
	bin, store := t.TempDir(), t.TempDir()
	script := `#!/bin/sh
store="` + store + `"
read -r input
key=$(printf '%s' "$input" | sed 's/.*"ServerURL":"\([^"]*\)".*/\1/' | tr -c 'A-Za-z0-9.\n' '_')
case "$1" in
get)
  key=$(printf '%s' "$input" | tr -c 'A-Za-z0-9.\n' '_')
  if [ -f "$store/$key" ]; then cat "$store/$key"; else echo "credentials not found in native keychain"; exit 1; fi ;;
store) printf '%s' "$input" > "$store/$key" ;;
erase)
  key=$(printf '%s' "$input" | tr -c 'A-Za-z0-9.\n' '_')
  rm -f "$store/$key" ;;
*) exit 1 ;;
esac
`
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-"+name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return store
}

func TestCredentialHelpers(t *testing.T) {
	r := registrytest.Start(t, registrytest.HtpasswdTLS())
	store := credentialHelper(t, "berthtest")
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	ctx := t.Context()
	docker := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(docker, []byte(`{"credsStore":"berthtest"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := Options{CAFile: r.CAFile, DockerConfig: docker, HelmRegistryConfig: filepath.Join(t.TempDir(), "none.json"), CacheDir: t.TempDir()}
	c, _ := NewClient(opts)
	// Login goes through credsStore: the secret lands in the helper, not the file.
	if err := c.Login(ctx, r.Host, r.Username, r.Password); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(docker); strings.Contains(string(b), r.Password) {
		t.Fatalf("password written to config.json despite credsStore: %s", b)
	}
	if entries, _ := os.ReadDir(store); len(entries) != 1 {
		t.Fatalf("helper stored %d entries", len(entries))
	}
	fresh, _ := NewClient(opts)
	if _, err := fresh.Push(ctx, tgz, "oci://"+r.Host+"/charts", PushOptions{}); err != nil {
		t.Fatalf("push with credsStore: %v", err)
	}
	// credHelpers for this host win over credsStore.
	if err := os.WriteFile(docker, []byte(`{"credsStore":"absent-helper","credHelpers":{"`+r.Host+`":"berthtest"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	viaHostHelper, _ := NewClient(opts)
	if _, err := viaHostHelper.Pull(ctx, "oci://"+r.Host+"/charts/podinfo", PullOptions{}); err != nil {
		t.Fatalf("pull with credHelpers: %v", err)
	}
	if err := viaHostHelper.Logout(ctx, r.Host); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(store); len(entries) != 0 {
		t.Fatalf("logout left %d helper entries", len(entries))
	}
}
