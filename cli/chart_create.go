package cli

import (
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
)

func createCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "create",
		Usage: "create a new chart with the given name",
		Description: "Writes a starter chart (Deployment, Service, Ingress, HPA, ServiceAccount, helpers, NOTES.txt, " +
			"a test hook, values.schema.json and .helmignore) into a new directory NAME. The chart's name is the " +
			"last element of NAME.",
		ArgsUsage: "NAME",
		Category:  groupChart,
		Action:    runCreate,
	}
}

func runCreate(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return errors.New("\"berth create\" requires 1 argument\n\nUsage:  berth create NAME")
	}
	dir, err := chartfmt.Create(args[0])
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.App.Writer, "Creating %s\n", dir)
	return err
}
