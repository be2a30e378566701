package oci

import (
	"strings"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

func TestPushRefusesBadInput(t *testing.T) {
	r := registrytest.Start(t)
	c := clientFor(t, r, "", "")
	tgz := newOracle(t).packageChart("podinfo")
	cases := []struct {
		tgz  []byte
		dest string
		want string
	}{
		{tgz, "oci://" + r.Host + "/charts:1.0.0", "namespace only"},
		{tgz, "https://" + r.Host + "/charts", "must start with oci://"},
		{[]byte("not a chart"), "oci://" + r.Host + "/charts", "not gzip"},
	}
	for _, tc := range cases {
		_, err := c.Push(t.Context(), tc.tgz, tc.dest, PushOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("push to %s: want error with %q, got %v", tc.dest, tc.want, err)
		}
	}
	// No silent downgrade to HTTP: the error says how to opt in.
	https, _ := NewClient(Options{CacheDir: t.TempDir(), DockerConfig: t.TempDir() + "/c.json"})
	if _, err := https.Push(t.Context(), tgz, "oci://"+r.Host+"/charts", PushOptions{}); err == nil || !strings.Contains(err.Error(), "pass --plain-http") {
		t.Errorf("HTTPS to a plain registry: %v", err)
	}
	if _, err := NewClient(Options{PlainHTTP: true, CAFile: "/nonexistent"}); err == nil {
		t.Error("--plain-http with --ca-file accepted")
	}
	if _, err := NewClient(Options{CertFile: "x.pem"}); err == nil {
		t.Error("--cert-file without --key-file accepted")
	}
}
