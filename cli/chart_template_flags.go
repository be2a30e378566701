package cli

import (
	"fmt"
	"os"
	"sync"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/deployer"
	"github.com/berth-dev/berth/oci"
)

// postRenderFlags are Helm v3's --post-renderer and --post-renderer-args.
func postRenderFlags() []ucli.Flag {
	return append([]ucli.Flag{
		&ucli.StringFlag{Name: flagPostRender, Usage: "the path to an executable to be used for post rendering (looked up in $PATH when it has no slash): manifests on stdin, the manifests to use on stdout"},
	}, arrayFlag(flagPostRArgs, nil, "an argument to the post-renderer (can specify multiple)")...)
}

// postRenderer is the --post-renderer of the command, nil without one.
func postRenderer(c *ucli.Context) (*chartfmt.PostRenderer, error) {
	bin := c.String(flagPostRender)
	if bin == "" {
		return nil, nil
	}
	pr, err := chartfmt.NewPostRenderer(bin, arrayValue(c, flagPostRArgs))
	if err != nil {
		return nil, fmt.Errorf("invalid argument %q for \"--%s\" flag: %w", bin, flagPostRender, err)
	}
	return pr, nil
}

func dependencyUpdateFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: flagDepUpdate, Usage: "update dependencies if they are missing before using the chart"}
}

// updateMissingDependencies is --dependency-update: for a chart directory
// whose charts/ lacks a dependency Chart.yaml declares, `dependency
// update` first (its summary on stderr, stdout keeps the command's output).
func updateMissingDependencies(c *ucli.Context, ref string) error {
	if fi, err := os.Stat(ref); err != nil || !fi.IsDir() {
		return nil // not a local chart directory: loaded as usual
	}
	ch, err := chartfmt.Load(ref)
	if err != nil || chartfmt.CheckDependencies(ch) == nil {
		return nil // not a local directory, or nothing missing: load as usual
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	res, err := client.DependencyUpdate(c.Context, ref, oci.DependencyOptions{})
	if err != nil {
		return fmt.Errorf("updating the dependencies of %s: %w", ref, err)
	}
	for _, d := range res.Lock.Dependencies {
		fmt.Fprintf(c.App.ErrWriter, "Saved dependency %s %s from %s\n", d.Name, d.Version, d.Repository)
	}
	return nil
}

// templateInstallFlags are install flags Helm's template accepts (it shares
// install's flag set) and ignores: scripts pass them to both commands.
func templateInstallFlags() []ucli.Flag {
	noop := func(name, usage string) ucli.Flag {
		return &ucli.BoolFlag{Name: name, Usage: usage + " (install only: accepted and ignored by template, as Helm does)", Hidden: true}
	}
	return []ucli.Flag{
		noop(flagAtomic, "uninstall on failure"),
		noop(flagCreateNamespace, "create the release namespace"),
		noop(flagDisableOpenAPI, "skip OpenAPI validation"),
		noop(flagForce, "force resource updates"),
		noop(flagHideNotes, "do not show notes"),
		noop(flagRenderSubNotes, "render subchart notes"),
		noop(flagReplace, "re-use a release name"),
		noop(flagTakeOwnership, "take ownership of existing resources"),
		noop(flagWait, "wait for readiness"),
		noop(flagWaitForJobs, "wait for jobs"),
		&ucli.StringFlag{Name: flagDescription, Usage: "install only: accepted and ignored by template", Hidden: true},
		&ucli.StringSliceFlag{Name: flagLabels, Aliases: []string{"l"}, Usage: "install only: accepted and ignored by template", Hidden: true},
		&ucli.DurationFlag{Name: flagTimeout, Usage: "install only: accepted and ignored by template", Hidden: true},
		hide(dryRunFlag()),
	}
}

func hide(f ucli.Flag) ucli.Flag {
	if g, ok := f.(*ucli.GenericFlag); ok {
		g.Hidden = true
	}
	return f
}

// renderWarnings prints rendering warnings on stderr as Helm does: the ones
// Helm logs always with its source position, the rest only with --debug.
func renderWarnings(c *ucli.Context, debug bool) func(format string, args ...any) {
	var mu sync.Mutex
	return func(format string, args ...any) {
		line, always := chartfmt.HelmLogLine(fmt.Sprintf(format, args...))
		if always || debug {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(c.App.ErrWriter, line)
		}
	}
}

// liveCluster connects to the cluster for `template --validate` (the
// cluster's version and APIs replace --kube-version and -a, as in Helm)
// and `--dry-run=server` (lookup answered live); nil for neither.
func liveCluster(c *ucli.Context, ro *chartfmt.RenderOptions) (*deployer.Kube, error) {
	server := c.String(flagDryRun) == "server"
	if !c.Bool(flagValidate) && !server {
		return nil, nil
	}
	d, _, err := connectDeployer(c)
	if err != nil {
		return nil, err
	}
	if server {
		ro.Lookup = d.Kube
	}
	if c.Bool(flagValidate) {
		if ro.KubeVersion, err = d.Kube.ServerVersion(); err != nil {
			return nil, err
		}
		if ro.APIVersions, err = d.Kube.APIVersions(); err != nil {
			return nil, err
		}
	}
	return d.Kube, nil
}
