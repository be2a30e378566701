package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartrepo"
)

// classicDependencies is runDependency's hook for charts whose dependencies
// come from classic repositories (https://…, @name): done is false when
// none does.
func classicDependencies(c *ucli.Context, dir string, build bool) (done bool, err error) {
	ch, err := chartfmt.LoadDir(dir)
	if err != nil || !anyClassic(ch.Metadata.Dependencies) {
		return false, nil // the OCI path reports load errors
	}
	ring, err := provenanceKeyring(c) // --verify: each archive's .prov
	if err != nil {
		return true, err
	}
	opts := downloadOptions(c, ring)
	var res *chartrepo.DependencyResult
	if build {
		res, err = chartrepo.DependencyBuild(c.Context, repoPaths(c), dir, chartrepo.DepOptions{SkipRefresh: c.Bool(flagSkipRefresh)}, opts)
	} else {
		epoch, perr := sourceDateEpoch(c)
		if perr != nil {
			return true, perr
		}
		res, err = chartrepo.DependencyUpdate(c.Context, repoPaths(c), dir, chartrepo.DepOptions{Generated: epoch, SkipRefresh: c.Bool(flagSkipRefresh)}, opts)
	}
	if err != nil {
		return true, err
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), res.Lock); done {
		return true, err
	}
	for _, d := range res.Lock.Dependencies {
		if _, err := fmt.Fprintf(c.App.Writer, "%s %s from %s\n", d.Name, d.Version, redactURL(d.Repository)); err != nil {
			return true, err
		}
	}
	return true, nil
}

func anyClassic(deps []*chartfmt.Dependency) bool {
	for _, d := range deps {
		if chartrepo.IsClassicRepository(d.Repository) {
			return true
		}
	}
	return false
}
