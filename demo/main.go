// Command demo walks through berth's release flow on embedded defaults, as a
// new user would run it: a local registry (`berth registry serve`), a local
// control plane, a generated app image and the example chart in examples/.
// Every step runs the built bin/berth, printing the command line first, and
// is narrated in plain words; everything started is stopped again, also on
// Ctrl-C.
//
// Run it with `go tool task demo` (which builds bin/berth first).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	berth := os.Getenv("BERTH_DEMO_BERTH") // another berth binary than bin/berth
	if berth == "" {
		berth = "bin/berth"
	}
	err := run(ctx, os.Stdout, Options{Berth: berth, Chart: "examples/hello"})
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

// Options say where the demo finds berth and the example chart, and let a
// test look at the live state after each step.
type Options struct {
	Berth string // the berth binary
	Chart string // the example chart directory
	// Check, when set, is called after each step while the registries and
	// the cluster still run; an error stops the demo.
	Check func(ctx context.Context, step string, s *State) error
}

// State is what the steps have made so far.
type State struct {
	Work        string // scratch folder ($DEMO)
	ImageTar    string // the docker save archive (when no Docker daemon answers)
	DaemonImage string // the tag built with docker build (when one does)
	ImageSource string // what berth release --image reads: the tar or docker-daemon:TAG
	ImageDigest string // its manifest digest, computed when it was written
	Factory     string // host:port of the registry the release is pushed to
	Site        string // host:port of the air-gapped site's registry
	Cluster     *testcluster.Cluster
	Namespace   string
	Release     string
	Chart       string // oci://…@sha256:… pushed by berth release
	Bundle      string // the bundle tar
	SiteChart   string // oci://…@sha256:… pushed by berth bundle push
	HelmList    string // helm list output
}

// demo holds what the steps share.
type demo struct {
	State
	out     io.Writer
	opts    Options
	work    string
	cluster *testcluster.Cluster
	helm    string
	step    int
	// cleanups stop what steps started, newest first.
	cleanups []func()
}

func run(ctx context.Context, out io.Writer, opts Options) error {
	start := time.Now()
	berth, err := filepath.Abs(opts.Berth)
	if err != nil {
		return err
	}
	if _, err := os.Stat(berth); err != nil {
		return fmt.Errorf("berth binary: %w (build it with `go tool task build`)", err)
	}
	opts.Berth = berth
	work, err := os.MkdirTemp("", "berth-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	d := &demo{out: out, opts: opts, work: work}
	defer func() {
		for i := len(d.cleanups) - 1; i >= 0; i-- {
			d.cleanups[i]()
		}
	}()
	d.Work, d.Namespace, d.Release = work, "demo", "hello"
	if d.helm, err = tools.Path("helm"); err != nil {
		return fmt.Errorf("%w (build the test bed with `go tool task tools`; the first build takes ~20 minutes on 2 cores)", err)
	}
	fmt.Fprintf(out, "berth demo: ship a docker-save'd app and its chart through a registry into a cluster.\n"+
		"The test bed (helm oracle, etcd, kube-apiserver, kwok…) is built once into .cache/tools: about 20 minutes\n"+
		"on 2 cores the first time, reused afterwards. Scratch folder: DEMO=%s\n", work)

	d.say("Start a local OCI registry, as a build server would push to")
	factory, fch, err := d.startRegistry(ctx, filepath.Join(work, "registry-factory"))
	if err != nil {
		return err
	}
	defer fch.stop()
	d.Factory = factory
	d.note("registry serving at %s (pid %d)", factory, fch.cmd.Process.Pid)

	d.say("Start a local Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok nodes)")
	t0 := time.Now()
	if d.cluster, err = testcluster.Start(ctx, testcluster.Options{Dir: filepath.Join(work, "cluster")}); err != nil {
		return err
	}
	defer d.cluster.Stop()
	d.Cluster = d.cluster
	d.note("ready in %s (pids %v); every berth command below gets KUBECONFIG=%s",
		time.Since(t0).Round(time.Millisecond), d.cluster.Pids(), d.rel(d.cluster.Kubeconfig))

	for _, s := range d.steps() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("interrupted: %w", err)
		}
		t := time.Now()
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		d.note("(%s)", time.Since(t).Round(100*time.Millisecond))
		if opts.Check != nil {
			if err := opts.Check(ctx, s.name, &d.State); err != nil {
				return fmt.Errorf("check after %s: %w", s.name, err)
			}
		}
	}
	d.say("Done in %s. Stopping the registries and the control plane, removing $DEMO.", time.Since(start).Round(time.Second))
	fmt.Fprintf(out, "\nTry it on your own: `go tool task registry:up` and `go tool task cluster:up` keep a registry and a\n"+
		"control plane running; README.md has the same tour, docs/ a page per command group, `berth --help` the rest.\n")
	return nil
}

func (d *demo) say(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.out, "\n%d. "+format+"\n", append([]any{d.step}, args...)...)
}

func (d *demo) note(format string, args ...any) { fmt.Fprintf(d.out, "   "+format+"\n", args...) }

func (d *demo) rel(path string) string {
	if r, err := filepath.Rel(d.work, path); err == nil {
		return filepath.Join("$DEMO", r)
	}
	return path
}
