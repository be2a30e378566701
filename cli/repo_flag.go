package cli

import (
	"fmt"
	"os"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartrepo"
)

// Helm's flags for classic (index.yaml) repositories that are not repo
// subcommands: the global locations of repositories.yaml and the index
// cache, and --repo/--pass-credentials on the commands that take a CHART.
const (
	flagRepoConfig  = "repository-config"
	flagRepoCache   = "repository-cache"
	flagRepoURL     = "repo"
	flagSkipRefresh = "skip-refresh"
)

// repositoryGlobalFlags are Helm's global --repository-config and
// --repository-cache; unset, $HELM_REPOSITORY_CONFIG, $HELM_REPOSITORY_CACHE
// and Helm's homes apply (chartrepo.DefaultPaths).
func repositoryGlobalFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: flagRepoConfig, Usage: "path to the repositories config file (default $HELM_REPOSITORY_CONFIG, else Helm's repositories.yaml)"},
		&ucli.StringFlag{Name: flagRepoCache, Usage: "path to the directory containing cached repository indexes (default $HELM_REPOSITORY_CACHE, else Helm's)"},
	}
}

// repoPaths are Helm's repositories.yaml and index cache: the global flags,
// else $HELM_REPOSITORY_CONFIG, $HELM_REPOSITORY_CACHE and Helm's homes.
func repoPaths(c *ucli.Context) chartrepo.Paths {
	p := chartrepo.DefaultPaths(os.Getenv)
	if v := c.String(flagRepoConfig); v != "" {
		p.Config = v
	}
	if v := c.String(flagRepoCache); v != "" {
		p.Cache = v
	}
	return p
}

// repoURLFlags are --repo and --pass-credentials of the commands that take
// a CHART (template, show, pull, install, upgrade, diff upgrade).
func repoURLFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: flagRepoURL, Usage: "chart repository url where to locate the requested chart (CHART is then a chart name of its index.yaml)"},
		&ucli.BoolFlag{Name: flagPassCreds, Usage: "pass credentials to all domains (by default they go only to the repository's scheme and host)"},
	}
}

// repoFlagNames are the flags above, for commands that read flags written
// after their arguments themselves (template).
var repoFlagNames = []string{flagRepoURL, flagPassCreds, flagRepoConfig, flagRepoCache}

// setTrailing copies the named flags given after the positional arguments
// into c, where the chart loaders read them.
func setTrailing(c *ucli.Context, fl *cmdFlags, names []string) error {
	for _, n := range names {
		if fl.set[n] {
			if err := c.Set(n, fl.vals[n]); err != nil {
				return err
			}
		}
	}
	return nil
}

// fromRepoURL reports whether ref names a chart of the --repo repository:
// --repo is given and no local file or directory has that path (a local
// chart wins, with Helm's warning).
func fromRepoURL(c *ucli.Context, ref string) bool {
	repoURL := c.String(flagRepoURL)
	if repoURL == "" {
		return false
	}
	if _, err := os.Stat(ref); err == nil {
		fmt.Fprintf(c.App.ErrWriter, "install.go:759: WARN local chart found in current working directory. repository url ignored chart=%s repository=%s\n", ref, redactURL(repoURL))
		return false
	}
	return true
}

// fetchFromRepoURL downloads the chart named ref from the --repo
// repository, with --version/--devel, the TLS and credential flags and
// --pass-credentials.
func fetchFromRepoURL(c *ucli.Context, ref string) (*chartrepo.Chart, error) {
	e := &chartrepo.Entry{URL: c.String(flagRepoURL), Username: c.String(flagUsername), Password: c.String(flagPassword),
		CAFile: c.String(flagCAFile), CertFile: c.String(flagCertFile), KeyFile: c.String(flagKeyFile),
		InsecureSkipTLSVerify: c.Bool(flagInsecureTLS), PassCredentialsAll: c.Bool(flagPassCreds)}
	version := chartrepo.VersionConstraint(c.String(flagVersion), c.Bool(flagDevel))
	opts, err := verifiedDownloadOptions(c) // --verify: the .prov too
	if err != nil {
		return nil, err
	}
	return chartrepo.FindInRepoURL(c.Context, e, ref, version, opts)
}

// skipRefreshFlag is dependency update/build's --skip-refresh: configured
// repositories are resolved from their cached index as it is.
func skipRefreshFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: flagSkipRefresh, Usage: "do not refresh the local repository cache (resolve from the cached indexes of added repositories)"}
}
