package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
		Flags: []ucli.Flag{&ucli.StringFlag{Name: flagStarter, Aliases: []string{"p"},
			Usage: "the name or absolute path to a Helm starter scaffold (names are looked up in $HELM_DATA_HOME/starters)"}},
		Action: runCreate,
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
	var dir string
	if st := c.String(flagStarter); st != "" {
		if !filepath.IsAbs(st) {
			st = filepath.Join(helmDataHome(), "starters", st)
		}
		dir, err = chartfmt.CreateFrom(args[0], st)
	} else {
		dir, err = chartfmt.Create(args[0])
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.App.Writer, "Creating %s\n", dir)
	return err
}

const flagStarter = "starter"

// helmDataHome is Helm's data directory, where its starters live:
// $HELM_DATA_HOME, else $XDG_DATA_HOME/helm, else ~/.local/share/helm.
func helmDataHome() string {
	if d := os.Getenv("HELM_DATA_HOME"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "helm")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "helm")
}
