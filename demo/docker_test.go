package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/oci/image/dockertest"
)

// runImageSteps runs the demo's image and release steps against a registry
// of its own (no control plane needed) and applies their checks.
func runImageSteps(t *testing.T) (*demo, string) {
	t.Helper()
	var out bytes.Buffer
	d := &demo{out: &out, opts: Options{Berth: buildBerth(t), Chart: "../examples/hello"}, work: t.TempDir()}
	t.Cleanup(func() {
		for i := len(d.cleanups) - 1; i >= 0; i-- {
			d.cleanups[i]()
		}
	})
	ctx := context.Background()
	host, ch, err := d.startRegistry(ctx, filepath.Join(d.work, "registry"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ch.stop)
	d.Factory = host
	for _, s := range []struct {
		run   func(context.Context) error
		check func(context.Context, *State) error
	}{{d.buildImage, checkImage}, {d.release, checkRelease}} {
		if err := s.run(ctx); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if err := s.check(ctx, &d.State); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
	}
	return d, out.String()
}

// With a Docker daemon the demo builds with docker build and releases from
// the daemon, pinning the digest docker push gives; it removes its image.
func TestDemoDockerBuildAndReleaseFromDaemon(t *testing.T) {
	dockertest.Require(t)
	d, out := runImageSteps(t)
	for _, want := range []string{"$ docker build ", "Build the app image with docker build", "--image hello=docker-daemon:" + d.DaemonImage} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	for i := len(d.cleanups) - 1; i >= 0; i-- {
		d.cleanups[i]()
	}
	d.cleanups = nil
	if err := exec.Command("docker", "image", "inspect", d.DaemonImage).Run(); err == nil {
		t.Errorf("the demo left image %s behind", d.DaemonImage)
	}
}

// Without one (here: opted out) it generates the tar and says so.
func TestDemoFallsBackToGeneratedTar(t *testing.T) {
	t.Setenv(dockerOptOut, "1")
	d, out := runImageSteps(t)
	if d.DaemonImage != "" || !strings.Contains(out, "Using the generated tar, not docker build: "+dockerOptOut+"=1") {
		t.Errorf("demo did not say it fell back to the tar:\n%s", out)
	}
}
