package cli

import (
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v2"
)

func searchCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "search",
		Usage:     "list the repositories of an OCI registry (catalog API), optionally under a namespace",
		ArgsUsage: "oci://HOST[/NS]",
		Category:  groupRegistry,
		Flags:     append(registryFlags(), outputFlag()),
		// `search repo KEYWORD` searches classic repositories, as helm's does.
		Subcommands: []*ucli.Command{searchRepoCommand()},
		Action: func(c *ucli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return errors.New("\"berth search\" requires 1 argument\n\nUsage:  berth search oci://HOST[/NS] [flags]")
			}
			client, err := registryClient(c)
			if err != nil {
				return err
			}
			repos, err := client.Search(c.Context, args[0])
			if err != nil {
				return err
			}
			if done, err := printStructured(c.App.Writer, c.String(flagOutput), map[string][]string{"repositories": repos}); done {
				return err
			}
			for _, r := range repos {
				if _, err := fmt.Fprintln(c.App.Writer, r); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
