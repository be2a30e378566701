package cli

import (
	"errors"
	"fmt"
	"os"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartrepo"
	"github.com/berth-dev/berth/oci"
)

const flagAppVersion = "app-version"

func packageCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "package",
		Usage: "package chart directories into reproducible chart archives",
		Description: "Writes NAME-VERSION.tgz that Helm loads like the directory. The same chart gives the same bytes " +
			"on any machine and day: every entry is stamped with $SOURCE_DATE_EPOCH, or 1980-01-01T00:00:00Z when unset.",
		ArgsUsage: "CHART_PATH [...]",
		Category:  groupChart,
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: flagDestination, Aliases: []string{"d"}, Value: ".", Usage: "location to write the chart"},
			&ucli.StringFlag{Name: flagVersion, Usage: "set the version on the chart to this semver version"},
			&ucli.StringFlag{Name: flagAppVersion, Usage: "set the appVersion on the chart to this version"},
			&ucli.BoolFlag{Name: flagDepUpdate, Aliases: []string{"u"}, Usage: "update dependencies from Chart.yaml to dir \"charts/\" before packaging"},
		}, append(packageSignFlags(), registryFlags()...)...),
		Action: runPackage,
	}
}

func runPackage(c *ucli.Context) error {
	paths, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return errors.New("need at least one argument, the path to the chart")
	}
	mtime, err := sourceDateEpoch(c)
	if err != nil {
		return err
	}
	key, err := packageSigningKey(c) // --sign: the key is unlocked before anything is written
	if err != nil {
		return err
	}
	opts := chartfmt.PackageOptions{Version: c.String(flagVersion), AppVersion: c.String(flagAppVersion), ModTime: mtime}
	dest := c.String(flagDestination)
	if dest == "." { // Helm reports the default destination as an absolute path
		if dest, err = os.Getwd(); err != nil {
			return err
		}
	}
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil {
			return fmt.Errorf("package: %w", err)
		} else if !fi.IsDir() {
			return fmt.Errorf("package %s: not a chart directory", p)
		}
		if c.Bool(flagDepUpdate) {
			if err := packageDependencies(c, p); err != nil {
				return err
			}
		}
		ch, err := chartfmt.LoadDir(p)
		if err != nil {
			return err
		}
		out, err := chartfmt.PackageToDir(ch, dest, opts)
		if err != nil {
			return err
		}
		if key != nil {
			if err := signPackage(key, out); err != nil {
				return err
			}
		}
		fmt.Fprintf(c.App.Writer, "Successfully packaged chart and saved it to: %s\n", out)
	}
	return nil
}

// packageDependencies is package --dependency-update: Chart.yaml's
// dependencies are resolved, vendored under charts/ and locked in
// Chart.lock, as `berth dependency update` does, quietly (helm prints
// nothing of it either).
func packageDependencies(c *ucli.Context, dir string) error {
	ch, err := chartfmt.LoadDir(dir)
	if err != nil {
		return err
	}
	if len(ch.Metadata.Dependencies) == 0 {
		return nil
	}
	epoch, err := sourceDateEpoch(c)
	if err != nil {
		return err
	}
	if anyClassic(ch.Metadata.Dependencies) {
		_, err = chartrepo.DependencyUpdate(c.Context, repoPaths(c), dir, chartrepo.DepOptions{Generated: epoch}, downloadOptions(c, nil))
		return err
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	_, err = client.DependencyUpdate(c.Context, dir, oci.DependencyOptions{Generated: epoch})
	return err
}
