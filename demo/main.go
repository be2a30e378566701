// Command demo walks through berth's release flow on embedded defaults: a
// local registry, a local control plane, and the example chart. Every step is
// narrated; everything started is stopped again, also on Ctrl-C.
//
// Run it with `go tool task demo`.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

// demo holds what the steps share: the scratch folder, the registry and the
// cluster, and where narration goes.
type demo struct {
	out      io.Writer
	work     string
	registry string
	cluster  *testcluster.Cluster
	helm     string
	charts   string
}

func run(ctx context.Context, out io.Writer) error {
	start := time.Now()
	work, err := os.MkdirTemp("", "berth-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	d := &demo{out: out, work: work}
	if d.helm, err = tools.Path("helm"); err != nil {
		return err
	}
	if d.charts, err = tools.ChartsDir(); err != nil {
		return err
	}

	d.say("1. Start a local OCI registry (CNCF Distribution, in-process, plain HTTP on loopback)")
	reg, err := registrytest.Listen(ctx, filepath.Join(work, "registry"), "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = reg.Serve() }()
	defer reg.Shutdown(context.Background())
	d.registry = reg.Addr
	d.say("   registry at %s", d.registry)

	d.say("2. Start a local Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok)")
	t0 := time.Now()
	if d.cluster, err = testcluster.Start(ctx, testcluster.Options{Dir: filepath.Join(work, "cluster")}); err != nil {
		return err
	}
	defer d.cluster.Stop()
	d.say("   ready in %s; kubeconfig %s", time.Since(t0).Round(time.Millisecond), d.cluster.Kubeconfig)

	for _, step := range []func(context.Context) error{d.render, d.push, d.install} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	d.say("Done in %s. Stopping the registry and the control plane.", time.Since(start).Round(time.Second))
	return nil
}

func (d *demo) render(ctx context.Context) error {
	d.say("3. Render the podinfo chart with the Helm v3.22.0 oracle")
	out, err := d.helmRun(ctx, "template", "demo", filepath.Join(d.charts, "podinfo"), "--kube-version", "1.37.2")
	if err != nil {
		return err
	}
	d.say("   %d YAML documents rendered", strings.Count(out, "\n---"))
	return nil
}

func (d *demo) push(ctx context.Context) error {
	d.say("4. Package and push it to the registry as an OCI artifact")
	if _, err := d.helmRun(ctx, "package", filepath.Join(d.charts, "podinfo"), "-d", d.work); err != nil {
		return err
	}
	tgz, _ := filepath.Glob(filepath.Join(d.work, "podinfo-*.tgz"))
	if len(tgz) != 1 {
		return fmt.Errorf("helm package wrote %d archives", len(tgz))
	}
	out, err := d.helmRun(ctx, "push", tgz[0], "oci://"+d.registry+"/charts", "--plain-http")
	if err != nil {
		return err
	}
	d.say("   %s", strings.ReplaceAll(strings.TrimSpace(out), "\n", "\n   "))
	return nil
}

func (d *demo) install(ctx context.Context) error {
	d.say("5. Install it from the registry and wait until it is ready")
	_, err := d.helmRun(ctx, "install", "demo", "oci://"+d.registry+"/charts/podinfo", "--plain-http",
		"--kubeconfig", d.cluster.Kubeconfig, "-n", "default", "--wait", "--timeout", "2m")
	if err != nil {
		return err
	}
	out, err := d.helmRun(ctx, "list", "--kubeconfig", d.cluster.Kubeconfig, "-n", "default")
	if err != nil {
		return err
	}
	d.say("   %s", strings.ReplaceAll(strings.TrimSpace(out), "\n", "\n   "))
	return nil
}

func (d *demo) helmRun(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, d.helm, args...)
	cmd.Env = append(os.Environ(),
		"HELM_CACHE_HOME="+filepath.Join(d.work, "helm-cache"),
		"HELM_CONFIG_HOME="+filepath.Join(d.work, "helm-config"),
		"HELM_DATA_HOME="+filepath.Join(d.work, "helm-data"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("helm %s: %w\n%s", args[0], err, out)
	}
	return string(out), nil
}

func (d *demo) say(format string, args ...any) { fmt.Fprintf(d.out, format+"\n", args...) }
