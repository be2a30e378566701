package cli

import (
	"errors"
	"fmt"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartrepo"
)

// groupRepo lists the classic (index.yaml) chart repository commands.
const groupRepo = "Classic chart repositories"

const (
	flagRepoTimeout = "timeout"
	flagForceUpdate = "force-update"
	flagPassCreds   = "pass-credentials"
)

func repoCommand() *ucli.Command {
	return &ucli.Command{
		Name:     "repo",
		Usage:    "add, list, update, remove, index and mirror classic chart repositories (Helm's repositories.yaml)",
		Category: groupRepo,
		Subcommands: []*ucli.Command{
			repoAddCommand(), repoListCommand(), repoUpdateCommand(), repoRemoveCommand(),
			repoIndexCommand(), repoMirrorCommand(),
		},
	}
}

// repoOptions are the HTTP settings every repository request uses.
func repoOptions(c *ucli.Context) chartrepo.Options {
	o := chartrepo.Options{UserAgent: "berth/" + c.App.Version}
	if c.IsSet(flagRepoTimeout) {
		o.Timeout = c.Duration(flagRepoTimeout)
	}
	return o
}

func timeoutFlag() ucli.Flag {
	return &ucli.DurationFlag{Name: flagRepoTimeout, Value: chartrepoDefaultTimeout, Usage: "time to wait for each download to complete"}
}

// chartrepoDefaultTimeout is helm's default for repository downloads.
const chartrepoDefaultTimeout = 120 * time.Second

func repoListCommand() *ucli.Command {
	return &ucli.Command{
		Name:    "list",
		Aliases: []string{"ls"},
		Usage:   "list the chart repositories of repositories.yaml",
		Flags:   []ucli.Flag{outputFlag()},
		Action: func(c *ucli.Context) error {
			cfg, err := chartrepo.LoadConfig(repoPaths(c).Config)
			if err != nil && !errors.Is(err, chartrepo.ErrNoRepositories) {
				return err
			}
			if len(cfg.Repositories) == 0 {
				return errors.New("no repositories to show")
			}
			type item struct {
				Name string `json:"name"`
				URL  string `json:"url"`
			}
			items := make([]item, len(cfg.Repositories))
			rows := [][]string{{"NAME", "URL"}}
			for i, e := range cfg.Repositories {
				u := redactURL(e.URL) // a password written into the URL stays hidden
				items[i] = item{e.Name, u}
				rows = append(rows, []string{e.Name, u})
			}
			if done, err := printStructured(c.App.Writer, c.String(flagOutput), items); done {
				return err
			}
			return helmTable(c.App.Writer, 0, rows)
		},
	}
}

func repoRemoveCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "remove",
		Aliases:   []string{"rm"},
		Usage:     "remove chart repositories and their cached indexes",
		ArgsUsage: "NAME [NAME...]",
		Action: func(c *ucli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return errors.New("\"berth repo remove\" requires at least 1 argument\n\nUsage:  berth repo remove NAME [NAME...]")
			}
			if err := chartrepo.Remove(c.Context, repoPaths(c), args); err != nil {
				return err
			}
			for _, n := range args {
				fmt.Fprintf(c.App.Writer, "%q has been removed from your repositories\n", n)
			}
			return nil
		},
	}
}

func repoUpdateCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "update",
		Aliases:   []string{"up"},
		Usage:     "download the latest index of chart repositories into the cache",
		ArgsUsage: "[NAME...]",
		Flags: []ucli.Flag{timeoutFlag(),
			&ucli.BoolFlag{Name: "fail-on-repo-update-fail", Usage: "update fails if any of the repository updates fail"}},
		Action: func(c *ucli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, "Hang tight while we grab the latest from your chart repositories...")
			res, err := chartrepo.UpdateAll(c.Context, repoPaths(c), args, repoOptions(c))
			if err != nil {
				return err
			}
			var failed []string
			for _, r := range res {
				if r.Err != nil {
					fmt.Fprintf(c.App.Writer, "...Unable to get an update from the %q chart repository (%s):\n\t%s\n", r.Entry.Name, redactURL(r.Entry.URL), r.Err)
					failed = append(failed, redactURL(r.Entry.URL))
					continue
				}
				fmt.Fprintf(c.App.Writer, "...Successfully got an update from the %q chart repository\n", r.Entry.Name)
			}
			if len(failed) > 0 && c.Bool("fail-on-repo-update-fail") {
				return fmt.Errorf("failed to update the following repositories: %v", failed)
			}
			_, err = fmt.Fprintln(c.App.Writer, "Update Complete.")
			return err
		},
	}
}
