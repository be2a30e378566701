package oci

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// TestHelmInteropSharedCharts runs the manifest and round-trip comparison on
// every shared real-world chart (their Chart.yaml files exercise
// dependencies, import-values, annotations, maintainers, keywords …).
func TestHelmInteropSharedCharts(t *testing.T) {
	dir, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	h := newOracle(t)
	r := registrytest.Start(t)
	c := clientFor(t, r, "", "")
	ctx := t.Context()
	n := 0
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "Chart.yaml")); err != nil {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			dest := t.TempDir()
			h.run("", "package", filepath.Join(dir, e.Name()), "-d", dest)
			files, _ := filepath.Glob(filepath.Join(dest, "*.tgz"))
			tgz, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			ch, err := chartfmt.LoadArchive(bytes.NewReader(tgz))
			if err != nil {
				t.Fatal(err)
			}
			name, version := ch.Metadata.Name, ch.Metadata.Version
			h.run("", "push", files[0], "oci://"+r.Host+"/helm", "--plain-http")
			helmPush, err := c.Pull(ctx, "oci://"+r.Host+"/helm/"+name, PullOptions{Version: version})
			if err != nil || !bytes.Equal(helmPush.Chart, tgz) {
				t.Fatalf("berth pull of helm's push: %v", err)
			}
			helmManifest := rawManifest(t, c, helmPush.Ref)
			var hm ocispec.Manifest
			if err := json.Unmarshal(helmManifest, &hm); err != nil {
				t.Fatal(err)
			}
			art, err := BuildArtifact(tgz, ch.Metadata, nil, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			art = withCreatedString(t, art, ch.Metadata, hm.Annotations[ocispec.AnnotationCreated])
			if !bytes.Equal(art.Manifest, helmManifest) {
				t.Fatalf("manifest differs from helm's:\nberth: %s\nhelm:  %s", art.Manifest, helmManifest)
			}
			if _, err := c.Push(ctx, tgz, "oci://"+r.Host+"/berth", PushOptions{}); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			h.run("", "pull", "oci://"+r.Host+"/berth/"+name, "--version", version, "-d", out, "--plain-http")
			if b, _ := os.ReadFile(filepath.Join(out, name+"-"+version+".tgz")); !bytes.Equal(b, tgz) {
				t.Fatal("helm pulled different bytes of berth's push")
			}
		})
	}
	if n < 8 {
		t.Fatalf("only %d shared charts found", n)
	}
}
