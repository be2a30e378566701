package oci

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestManifestBytesEqualHelm: a chart that sets its own created annotation
// (and exercises every annotation rule: HTML escaping, blank fields,
// email-only maintainers, overrides, immutable title/version, '+' in the
// version) gets byte-identical manifests from helm push and berth push.
func TestManifestBytesEqualHelm(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "edge")
	writeChart(t, dir, `apiVersion: v2
name: edge
version: 1.2.3+meta.4
appVersion: "9.9"
description: "Renders <b>&</b> \u2028 things"
home: https://example.com/?a=1&b=2
sources:
  - https://git.example.com/edge
  - https://mirror.example.com/edge
maintainers:
  - name: Ann
    email: ann@example.com
  - email: nobody@example.com
  - name: Bob
keywords: [a, b]
icon: "   "
annotations:
  org.opencontainers.image.created: "2020-02-03T04:05:06Z"
  org.opencontainers.image.title: not-the-name
  org.opencontainers.image.version: "0.0.0"
  org.opencontainers.image.description: overridden
  example.com/note: "x < y"
dependencies:
  - name: sub
    version: 0.1.0
    repository: ""
    condition: sub.enabled
`)
	writeChart(t, filepath.Join(dir, "charts", "sub"), "apiVersion: v2\nname: sub\nversion: 0.1.0\n")
	h := newOracle(t)
	dest := t.TempDir()
	h.run("", "package", dir, "-d", dest)
	tgz, err := os.ReadFile(filepath.Join(dest, "edge-1.2.3+meta.4.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	r := registrytest.Start(t)
	h.run("", "push", writeTemp(t, tgz), "oci://"+r.Host+"/helm", "--plain-http")
	c := clientFor(t, r, "", "")
	res, err := c.Push(t.Context(), tgz, "oci://"+r.Host+"/berth", PushOptions{Created: time.Unix(1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	helmPulled, err := c.Pull(t.Context(), "oci://"+r.Host+"/helm/edge", PullOptions{Version: "1.2.3+meta.4"})
	if err != nil {
		t.Fatal(err)
	}
	if helmPulled.Digest != res.Digest {
		t.Fatalf("manifest digests differ: helm %s, berth %s\nhelm:  %s\nberth: %s", helmPulled.Digest, res.Digest,
			rawManifest(t, c, helmPulled.Ref), rawManifest(t, c, res.Ref))
	}
	if res.Ref.Tag != "1.2.3_meta.4" {
		t.Fatalf("tag %s", res.Ref.Tag)
	}
	// And helm pulls berth's push by its '+' version.
	out := t.TempDir()
	h.run("", "pull", "oci://"+r.Host+"/berth/edge", "--version", "1.2.3+meta.4", "-d", out, "--plain-http")
	if b, _ := os.ReadFile(filepath.Join(out, "edge-1.2.3+meta.4.tgz")); !bytes.Equal(b, tgz) {
		t.Fatal("helm pulled different bytes")
	}
	if _, err := chartfmt.LoadArchive(bytes.NewReader(helmPulled.Chart)); err != nil {
		t.Fatal(err)
	}
}
