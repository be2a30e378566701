package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/berth-dev/berth/oci/image"
)

type step struct {
	name string
	run  func(context.Context) error
}

func (d *demo) steps() []step {
	return []step{
		{"image", d.buildImage},
		{"release", d.release},
		{"install", d.install},
		{"drift", d.drift},
		{"history", d.history},
		{"bundle", d.bundle},
	}
}

// demoLayerBytes sizes each of the app image's two layers.
const demoLayerBytes = 2 << 20

// buildImage builds the app image with `docker build` when a Docker daemon
// answers (berth release then reads it from the daemon), else generates the
// tar `docker save` would write; it says which.
func (d *demo) buildImage(ctx context.Context) error {
	version, why := dockerServer(ctx)
	if why == nil {
		d.say("Build the app image with docker build (Docker Engine %s answers; FROM scratch, no network)", version)
		tag, err := d.dockerBuildApp(ctx, demoLayerBytes)
		if err != nil {
			return err
		}
		if d.ImageDigest, err = daemonDigest(ctx, tag); err != nil {
			return err
		}
		d.DaemonImage = tag
		d.ImageSource = image.PrefixDaemon + tag
		d.note("berth release reads %s straight from the daemon: no docker save, docker load or docker push.", tag)
		d.note("It will pin %s, the digest docker push would print for this image.", d.ImageDigest)
		d.note("The chart is %s, made with `berth create` and trimmed; its image.digest value pins the image.", d.opts.Chart)
		_, _, err = d.berth(ctx, nil, "lint", d.opts.Chart)
		return err
	}
	d.say("Build the app image into a tar, as `docker save -o hello.tar hello:1.0` would (generated, no network)")
	d.note("Using the generated tar, not docker build: %v.", why)
	d.ImageTar = filepath.Join(d.work, "hello.tar")
	d.ImageSource = d.ImageTar
	dig, err := writeAppImage(d.ImageTar, demoLayerBytes)
	if err != nil {
		return err
	}
	d.ImageDigest = dig
	d.note("wrote %s: hello:1.0, %s", d.rel(d.ImageTar), dig)
	d.note("The chart is %s, made with `berth create` and trimmed; its image.digest value pins the image.", d.opts.Chart)
	_, _, err = d.berth(ctx, nil, "lint", d.opts.Chart)
	return err
}

var pinnedChart = regexp.MustCompile(`Chart: (oci://\S+@sha256:[0-9a-f]{64})`)

func (d *demo) release(ctx context.Context) error {
	d.say("Release: push the image by digest, then the chart with its values pinned to that digest")
	d.note("This one command replaces docker load, docker tag, docker push, editing values.yaml, helm package and helm push.")
	out, _, err := d.berth(ctx, nil, "release", d.opts.Chart, "--image", "hello="+d.ImageSource,
		"--to", "oci://"+d.Factory+"/demo", "--plain-http")
	if err != nil {
		return err
	}
	m := pinnedChart.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("berth release printed no pinned chart reference:\n%s", out)
	}
	d.Chart = m[1]
	d.note("CD pins exactly this: %s", d.Chart)
	return nil
}

func (d *demo) install(ctx context.Context) error {
	d.say("Install the release from the pinned reference and wait until it is ready")
	_, _, err := d.berth(ctx, nil, "install", d.Release, d.Chart, "-n", d.Namespace, "--create-namespace",
		"--plain-http", "--wait", "--timeout", "2m")
	if err != nil {
		return err
	}
	dep, err := d.deployment(ctx)
	if err != nil {
		return err
	}
	d.note("the API server runs Deployment %s with image %s (%d/%d ready)", dep.Name,
		dep.Spec.Template.Spec.Containers[0].Image, dep.Status.ReadyReplicas, *dep.Spec.Replicas)
	return nil
}

func (d *demo) drift(ctx context.Context) error {
	d.say("Drift: someone scales the Deployment to 0 by hand; berth diff notices, berth upgrade repairs it")
	patch := []byte(`{"spec":{"replicas":0}}`)
	if _, err := d.cluster.Clientset().AppsV1().Deployments(d.Namespace).Patch(ctx, d.Release,
		types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("scale deployment %s to 0: %w", d.Release, err)
	}
	d.note("kubectl scale deployment/%s --replicas=0 (done through client-go)", d.Release)
	_, code, err := d.berth(ctx, []int{2}, "diff", "upgrade", d.Release, d.Chart, "-n", d.Namespace, "--plain-http")
	if err != nil {
		return err
	}
	if code != 2 {
		return fmt.Errorf("berth diff upgrade exited %d after the drift, want 2 (differences found)", code)
	}
	d.note("exit code 2: the live cluster differs from the release (a three-way diff, live state included)")
	if _, _, err := d.berth(ctx, nil, "upgrade", d.Release, d.Chart, "-n", d.Namespace, "--plain-http",
		"--wait", "--timeout", "2m"); err != nil {
		return err
	}
	dep, err := d.deployment(ctx)
	if err != nil {
		return err
	}
	d.note("replicas back to %d (%d ready)", *dep.Spec.Replicas, dep.Status.ReadyReplicas)
	return nil
}

func (d *demo) history(ctx context.Context) error {
	d.say("History: berth keeps releases in Helm's own format, so helm sees the same release")
	if _, _, err := d.berth(ctx, nil, "history", d.Release, "-n", d.Namespace); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "\n  $ helm list -n %s\n", d.Namespace)
	cmd := exec.CommandContext(ctx, d.helm, "list", "-n", d.Namespace)
	cmd.Env = d.env()
	out, err := cmd.CombinedOutput()
	_, _ = d.indent().Write(out)
	if err != nil {
		return fmt.Errorf("helm list: %w", err)
	}
	d.HelmList = string(out)
	return nil
}

func (d *demo) bundle(ctx context.Context) error {
	d.say("Air gap: save chart and images to one tar, carry it over, push it into the site's own registry")
	site, sch, err := d.startRegistry(ctx, filepath.Join(d.work, "registry-site"))
	if err != nil {
		return err
	}
	d.Site = site
	// The site registry lives until the demo ends, so a check can read it.
	d.cleanups = append(d.cleanups, sch.stop)
	d.note("the air-gapped site's registry serves at %s", site)
	d.Bundle = filepath.Join(d.work, "hello-bundle.tar")
	if _, _, err := d.berth(ctx, nil, "bundle", "save", d.Chart, "--file", d.Bundle, "--plain-http"); err != nil {
		return err
	}
	if _, _, err := d.berth(ctx, nil, "bundle", "list", d.Bundle); err != nil {
		return err
	}
	out, _, err := d.berth(ctx, nil, "bundle", "push", d.Bundle, "--to", "oci://"+site+"/apps", "--plain-http")
	if err != nil {
		return err
	}
	m := pinnedChart.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("berth bundle push printed no pinned chart reference:\n%s", out)
	}
	d.SiteChart = m[1]
	d.note("the site installs %s; its image keeps digest %s", d.SiteChart, d.ImageDigest)
	return nil
}

// deployment reads the release's Deployment from the API server.
func (d *demo) deployment(ctx context.Context) (*appsv1.Deployment, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	dep, err := d.cluster.Clientset().AppsV1().Deployments(d.Namespace).Get(ctx, d.Release, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read deployment %s/%s: %w", d.Namespace, d.Release, err)
	}
	if len(dep.Spec.Template.Spec.Containers) == 0 || dep.Spec.Replicas == nil {
		return nil, fmt.Errorf("deployment %s/%s has no containers or replicas", d.Namespace, d.Release)
	}
	return dep, nil
}
