package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	ucli "github.com/urfave/cli/v2"
)

func versionsCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "versions",
		Usage:     "list a chart's versions in an OCI registry (newest first, with digests)",
		ArgsUsage: "oci://HOST/NS/NAME",
		Category:  groupRegistry,
		Flags:     append(registryFlags(), outputFlag()),
		Action: func(c *ucli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return errors.New("\"berth versions\" requires 1 argument\n\nUsage:  berth versions oci://HOST/NS/NAME [flags]")
			}
			client, err := registryClient(c)
			if err != nil {
				return err
			}
			list, err := client.Versions(c.Context, args[0])
			if err != nil {
				return err
			}
			if done, err := printStructured(c.App.Writer, c.String(flagOutput), list); done {
				return err
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tCREATED\tDIGEST")
			for _, v := range list.Versions {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", v.Version, v.Created, v.Digest)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(list.OtherTags) > 0 {
				_, err = fmt.Fprintf(c.App.Writer, "\nTags that are not semantic versions (Helm ignores them): %s\n", strings.Join(list.OtherTags, ", "))
			}
			return err
		},
	}
}
