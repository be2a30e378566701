package cli

import (
	"errors"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartrepo"
)

func repoIndexCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "index",
		Usage:     "write DIR/index.yaml for the chart archives in DIR, as helm repo index does",
		ArgsUsage: "DIR",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "url", Usage: "url of chart repository"},
			&ucli.StringFlag{Name: "merge", Usage: "merge the generated index into the given index"},
			&ucli.BoolFlag{Name: "json", Usage: "output in JSON format"},
		},
		Action: func(c *ucli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return errors.New("\"berth repo index\" requires 1 argument\n\nUsage:  berth repo index DIR [flags]")
			}
			return chartrepo.IndexRepository(args[0], c.String("url"), c.String("merge"), c.Bool("json"))
		},
	}
}
