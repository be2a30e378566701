package cli

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/deployer"
)

const (
	flagGenerateName    = "generate-name"
	flagCreateNamespace = "create-namespace"
	flagSkipCRDs        = "skip-crds"
	flagReplace         = "replace"
)

// chartFlags are the flags that locate and configure a chart.
func chartFlags() []ucli.Flag {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: flagVersion, Usage: "chart version: a tag, a semver range or an @sha256: digest (oci:// charts)"},
		&ucli.BoolFlag{Name: flagDevel, Usage: "use development versions too (equivalent to version '>0.0.0-0')"},
	}
	flags = append(append(flags, registryFlags()...), renderVerifyFlags()...)
	flags = append(flags, repoURLFlags()...)
	return append(flags, valuesFlags()...)
}

func installCommand() *ucli.Command {
	flags := []ucli.Flag{
		namespaceFlag(), outputFlag(), dryRunFlag(), labelsFlag(),
		&ucli.BoolFlag{Name: flagGenerateName, Aliases: []string{"g"}, Usage: "generate the name (and omit the NAME parameter)"},
		&ucli.StringFlag{Name: flagNameTmpl, Usage: "specify template used to name the release (and omit the NAME parameter)"},
		&ucli.BoolFlag{Name: flagCreateNamespace, Usage: "create the release namespace if not present"},
		&ucli.BoolFlag{Name: flagAtomic, Usage: "uninstall the release if the install fails (implies --wait)"},
		&ucli.BoolFlag{Name: flagSkipCRDs, Usage: "do not install CRDs from the chart's crds/ directory"},
		&ucli.BoolFlag{Name: flagNoHooks, Usage: "do not run the chart's hooks"},
		&ucli.BoolFlag{Name: flagReplace, Usage: "re-use the name of an uninstalled or failed release"},
		&ucli.BoolFlag{Name: flagTakeOwnership, Usage: "adopt existing resources whatever their ownership metadata"},
		&ucli.StringFlag{Name: flagDescription, Usage: "add a custom description"},
		&ucli.BoolFlag{Name: flagDisableOpenAPI, Usage: "do not validate the rendered objects against the Kubernetes schema (unknown fields are left to the API server, which drops them)"},
	}
	flags = append(flags, releaseRenderFlags()...)
	flags = append(flags, waitFlags()...)
	flags = append(flags, applyMethodFlags()...)
	flags = append(flags, forceReplaceFlag(), hideSecretFlag())
	return &ucli.Command{
		Name:      "install",
		Usage:     "install a chart as a Helm-compatible release",
		ArgsUsage: "[NAME] CHART",
		Category:  groupRelease,
		Flags:     append(flags, chartFlags()...),
		Action:    runInstall,
	}
}

func runInstall(c *ucli.Context) error {
	args, err := argsN(c, 1, 2, "install [NAME] CHART [flags]")
	if err != nil {
		return err
	}
	name, ref, err := installArgs(c, args)
	if err != nil {
		return err
	}
	d, ns, ch, src, err := chartTarget(c, ref)
	if err != nil {
		return err
	}
	if name == "" {
		name = fmt.Sprintf("%s-%s", ch.Name(), strconv.FormatInt(time.Now().Unix(), 10))
	}
	opts, err := installOptions(c, deployer.Target{Name: name, Namespace: ns}, src)
	if err != nil {
		return err
	}
	res, err := d.Install(c.Context, opts)
	if err != nil {
		return fmt.Errorf("INSTALLATION FAILED: %w", err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(c.App.ErrWriter, "WARNING: %s\n", w)
	}
	return printReleaseInfo(c.App.Writer, c.String(flagOutput), hideNotes(c, res.Release), res.Changes)
}

func installArgs(c *ucli.Context, args []string) (name, ref string, err error) {
	gen := c.Bool(flagGenerateName)
	tmpl := c.String(flagNameTmpl)
	switch {
	case len(args) == 2 && gen:
		return "", "", errors.New("cannot set --generate-name and also specify a name")
	case len(args) == 2 && tmpl != "":
		return "", "", errors.New("cannot set --name-template and also specify a name")
	case len(args) == 1 && tmpl != "":
		name, err := chartfmt.TemplateName(tmpl)
		return name, args[0], err
	case gen && len(args) == 1:
		return "", args[0], nil
	case gen:
		return "", "", fmt.Errorf("with --generate-name give only CHART, got %v", args)
	case len(args) == 1:
		return "", "", fmt.Errorf("must either provide a name or specify --generate-name")
	}
	return args[0], args[1], nil
}

func installOptions(c *ucli.Context, t deployer.Target, src deployer.Source) (deployer.InstallOptions, error) {
	vals, err := valueOptions(c).Merge(c.Context)
	if err != nil {
		return deployer.InstallOptions{}, err
	}
	dry, err := dryRunMode(c)
	if err != nil {
		return deployer.InstallOptions{}, err
	}
	if c.Bool(flagHideSecret) && dry == deployer.DryRunNone {
		//lint:ignore ST1005 Helm's error text
		return deployer.InstallOptions{}, errors.New("Hiding Kubernetes secrets requires a dry-run mode")
	}
	opts, err := operationOptions(c, dry)
	if err != nil {
		return deployer.InstallOptions{}, err
	}
	opts.Method.Replace = c.Bool(flagForce)
	return deployer.InstallOptions{
		Target: t, Source: src, Values: vals,
		CreateNamespace: c.Bool(flagCreateNamespace), SkipCRDs: c.Bool(flagSkipCRDs), Replace: c.Bool(flagReplace),
		Options: opts,
	}, nil
}

// releaseRenderFlags are the install and upgrade flags about rendering and
// printing: Helm's --dependency-update, --render-subchart-notes,
// --hide-notes and --post-renderer(-args).
func releaseRenderFlags() []ucli.Flag {
	return append([]ucli.Flag{
		dependencyUpdateFlag(),
		&ucli.BoolFlag{Name: flagRenderSubNotes, Usage: "render subchart notes along with the parent"},
		&ucli.BoolFlag{Name: flagHideNotes, Usage: "do not show notes in the output (they are still stored in the release)"},
	}, postRenderFlags()...)
}

// hideNotes is r without its notes when --hide-notes was given.
func hideNotes(c *ucli.Context, r *deployer.Release) *deployer.Release {
	if r == nil || r.Info == nil || !c.Bool(flagHideNotes) && !c.Bool(flagHideSecret) {
		return r
	}
	cp, info := *r, *r.Info
	if c.Bool(flagHideNotes) {
		info.Notes = ""
	}
	if c.Bool(flagHideSecret) { // only with --dry-run (installOptions)
		cp.Manifest = deployer.HideSecrets(cp.Manifest)
	}
	cp.Info = &info
	return &cp
}

const flagHideSecret = "hide-secret"

func hideSecretFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: flagHideSecret, Usage: "hide Kubernetes Secrets when also using the --dry-run flag"}
}

// historyMax is --history-max where the command has it, else Helm's 10.
func historyMax(c *ucli.Context) int {
	if c.IsSet(flagHistoryMax) {
		return c.Int(flagHistoryMax)
	}
	return 10
}
