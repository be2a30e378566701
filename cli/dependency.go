package cli

import (
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/oci"
)

func dependencyCommand() *ucli.Command {
	sub := func(name, usage string, build bool) *ucli.Command {
		return &ucli.Command{
			Name:      name,
			Usage:     usage,
			ArgsUsage: "CHART",
			Flags:     append(registryFlags(), append(dependencyVerifyFlags(), outputFlag(), skipRefreshFlag())...),
			Action:    func(c *ucli.Context) error { return runDependency(c, build) },
		}
	}
	return &ucli.Command{
		Name:     "dependency",
		Aliases:  []string{"dep", "dependencies"},
		Usage:    "vendor a chart's dependencies from OCI registries, pinned by digest in Chart.lock",
		Category: groupChart,
		Subcommands: []*ucli.Command{
			sub("update", "resolve Chart.yaml's dependencies, vendor them under charts/ and write Chart.lock with their digests", false),
			sub("build", "vendor exactly the digests recorded in Chart.lock", true),
			dependencyListCommand(),
		},
	}
}

func runDependency(c *ucli.Context, build bool) error {
	dir, err := chartDirArg(c)
	if err != nil {
		return err
	}
	if done, err := classicDependencies(c, dir, build); done { // https://…, @repo
		return err
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	ring, err := provenanceKeyring(c) // --verify: each oci:// dependency's .prov layer
	if err != nil {
		return err
	}
	var res *oci.DependencyResult
	if build {
		res, err = client.DependencyBuildWith(c.Context, dir, oci.DependencyOptions{Verify: ring})
	} else {
		epoch, perr := sourceDateEpoch(c)
		if perr != nil {
			return perr
		}
		res, err = client.DependencyUpdate(c.Context, dir, oci.DependencyOptions{Generated: epoch, Verify: ring})
	}
	if err != nil {
		return err
	}
	for _, name := range res.Unpinned {
		fmt.Fprintf(c.App.ErrWriter, "Warning: Chart.lock has no digest for %s; fetched by version (run `berth dependency update` to pin it)\n", name)
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), res.Lock); done {
		return err
	}
	for _, d := range res.Lock.Dependencies {
		pin := d.Digest
		if pin == "" {
			pin = "(not pinned)"
		}
		if _, err := fmt.Fprintf(c.App.Writer, "%s %s from %s %s\n", d.Name, d.Version, d.Repository, pin); err != nil {
			return err
		}
	}
	return nil
}

// chartDirArg is the optional CHART argument of the dependency commands:
// the chart directory, "." when none is given.
func chartDirArg(c *ucli.Context) (string, error) {
	args, err := positionalArgs(c)
	if err != nil {
		return "", err
	}
	switch len(args) {
	case 0:
		return ".", nil
	case 1:
		return args[0], nil
	}
	return "", errors.New("expected at most one argument: the chart directory")
}
