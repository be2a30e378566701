package oci

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestStaleCredentialsFallBackToAnonymous: a stale login in config.json does
// not break pulls of public charts; it does not help when the registry
// requires credentials, and flags are never replaced.
func TestStaleCredentialsFallBackToAnonymous(t *testing.T) {
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	ctx := t.Context()
	for _, public := range []bool{true, false} {
		opts := []registrytest.Option{registrytest.Bearer()}
		if public {
			opts = append(opts, registrytest.AnonymousPull())
		}
		r := registrytest.Start(t, opts...)
		if _, err := clientFor(t, r, r.Username, r.Password).Push(ctx, tgz, "oci://"+r.Host+"/charts", PushOptions{}); err != nil {
			t.Fatal(err)
		}
		docker := filepath.Join(t.TempDir(), "config.json")
		stale := base64.StdEncoding.EncodeToString([]byte(r.Username + ":expired-secret"))
		if err := os.WriteFile(docker, []byte(`{"auths":{"`+r.Host+`":{"auth":"`+stale+`"}}}`), 0o600); err != nil {
			t.Fatal(err)
		}
		c, _ := NewClient(Options{PlainHTTP: true, DockerConfig: docker, CacheDir: t.TempDir()})
		res, err := c.Pull(ctx, "oci://"+r.Host+"/charts/podinfo", PullOptions{})
		if public {
			if err != nil || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "pulled anonymously") {
				t.Fatalf("public chart with stale login: %v %+v", err, res)
			}
			flags := clientFor(t, r, r.Username, "expired-secret")
			if _, err := flags.Pull(ctx, "oci://"+r.Host+"/charts/podinfo", PullOptions{}); err == nil {
				t.Fatal("wrong --password silently replaced by anonymous access")
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "expired-secret") {
			t.Fatalf("private chart with stale login: %v", err)
		}
	}
}
