package cli

import (
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

// skipRefreshFlag is dependency update/build's --skip-refresh: configured
// repositories are resolved from their cached index as it is.
func skipRefreshFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: flagSkipRefresh, Usage: "do not refresh the local repository cache (resolve from the cached indexes of added repositories)"}
}
