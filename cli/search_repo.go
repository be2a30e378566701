package cli

import (
	"errors"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartrepo"
)

// searchRepoCommand is `helm search repo`: a search of the cached indexes
// of the repositories in repositories.yaml.
func searchRepoCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "repo",
		Usage:     "search the cached indexes of the classic chart repositories for a keyword",
		ArgsUsage: "[KEYWORD]",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "regexp", Aliases: []string{"r"}, Usage: "use regular expressions for searching repositories you have added"},
			&ucli.BoolFlag{Name: "versions", Aliases: []string{"l"}, Usage: "show the long listing, with each version of each chart on its own line"},
			&ucli.BoolFlag{Name: flagDevel, Usage: "use development versions (alpha, beta, and release candidate releases), too. Equivalent to version '>0.0.0-0'"},
			&ucli.StringFlag{Name: flagVersion, Usage: "search using semantic versioning constraints on repositories you have added"},
			&ucli.UintFlag{Name: "max-col-width", Value: 50, Usage: "maximum column width for output table"},
			&ucli.BoolFlag{Name: "fail-on-no-result", Usage: "search fails if no results are found"},
			outputFlag(),
		},
		Action: runSearchRepo,
	}
}

type searchRepoOutput struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	AppVersion  string `json:"app_version"`
	Description string `json:"description"`
}

func runSearchRepo(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	repos, warnings, err := cachedIndexes(c)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(c.App.ErrWriter, "WARNING: %s\n", w)
	}
	res, err := chartrepo.Search(repos, chartrepo.SearchOptions{Keyword: strings.Join(args, " "), Regexp: c.Bool("regexp"),
		Versions: c.Bool("versions"), Devel: c.Bool(flagDevel), Version: c.String(flagVersion)})
	if err != nil {
		return err
	}
	if len(res) == 0 && c.Bool("fail-on-no-result") {
		return errors.New("no results found")
	}
	outs := make([]searchRepoOutput, len(res))
	rows := [][]string{{"NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"}}
	for i, r := range res {
		outs[i] = searchRepoOutput{r.Name, r.Chart.Version, r.Chart.AppVersion, r.Chart.Description}
		rows = append(rows, []string{r.Name, r.Chart.Version, r.Chart.AppVersion, r.Chart.Description})
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), outs); done {
		return err
	}
	if len(res) == 0 {
		_, err := fmt.Fprintln(c.App.Writer, "No results found")
		return err
	}
	return helmTable(c.App.Writer, int(c.Uint("max-col-width")), rows)
}

// cachedIndexes loads the cached index of every configured repository; a
// missing or corrupt one is a warning, as in helm.
func cachedIndexes(c *ucli.Context) ([]chartrepo.RepoIndex, []string, error) {
	p := repoPaths(c)
	cfg, err := chartrepo.LoadConfig(p.Config)
	if errors.Is(err, chartrepo.ErrNoRepositories) || (err == nil && len(cfg.Repositories) == 0) {
		return nil, nil, errors.New("no repositories configured")
	}
	if err != nil {
		return nil, nil, err
	}
	var repos []chartrepo.RepoIndex
	var warnings []string
	for _, e := range cfg.Repositories {
		idx, err := chartrepo.CachedIndex(p, e.Name)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("Repo %q is corrupt or missing. Try 'berth repo update'.", e.Name), err.Error())
			continue
		}
		repos = append(repos, chartrepo.RepoIndex{Name: e.Name, Index: idx})
	}
	return repos, warnings, nil
}
