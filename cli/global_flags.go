package cli

import (
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// Helm's global flags work anywhere on the line (`helm template x ./c
// --debug`, `helm install --kube-context k …`); urfave/cli reads global
// flags only before the command. Every command therefore also defines the
// global flags it lacks, hidden, and its Before reconciles both places: a
// value given after the command wins, else the global one is copied in, so
// c.Bool(flagDebug) and friends read the same whichever place was used.

// commandGlobals are the global flags repeated on every command.
var commandGlobals = append([]string{flagKubeconfig, flagKubeContext, flagNamespace, flagDebug, flagQuiet, flagRepoConfig, flagRepoCache},
	kubeConnectionGlobals...)

// addCommandGlobals gives every command of cmds (recursively) hidden copies
// of the global flags it does not define itself.
func addCommandGlobals(globals []ucli.Flag, cmds []*ucli.Command) {
	for _, c := range cmds {
		var added []string
		for _, name := range commandGlobals {
			if findFlag(c.Flags, name) != nil {
				continue
			}
			g := findFlag(globals, name)
			if g == nil {
				continue
			}
			c.Flags = append(c.Flags, hiddenCopy(g))
			added = append(added, name)
		}
		c.Before = chainBefore(reconcileGlobals(added), c.Before)
		addCommandGlobals(globals, c.Subcommands)
	}
}

// hiddenCopy is a flag of the same name, aliases and type as g, without
// environment variables (the global one reads them) and hidden from help.
func hiddenCopy(g ucli.Flag) ucli.Flag {
	switch f := g.(type) {
	case *ucli.BoolFlag:
		return &ucli.BoolFlag{Name: f.Name, Aliases: f.Aliases, Usage: f.Usage, Hidden: true}
	case *ucli.StringFlag:
		return &ucli.StringFlag{Name: f.Name, Aliases: f.Aliases, Usage: f.Usage, Hidden: true}
	case *ucli.StringSliceFlag:
		return &ucli.StringSliceFlag{Name: f.Name, Aliases: f.Aliases, Usage: f.Usage, Hidden: true}
	case *ucli.IntFlag:
		return &ucli.IntFlag{Name: f.Name, Aliases: f.Aliases, Usage: f.Usage, Value: f.Value, Hidden: true}
	case *ucli.Float64Flag:
		return &ucli.Float64Flag{Name: f.Name, Aliases: f.Aliases, Usage: f.Usage, Value: f.Value, Hidden: true}
	}
	panic(fmt.Sprintf("global flag %v: unsupported type %T", g.Names(), g))
}

// reconcileGlobals makes names read the same on the command and on every
// context above it: set after the command, the value goes up; set before
// it (or through the environment), the value comes down.
func reconcileGlobals(names []string) ucli.BeforeFunc {
	return func(c *ucli.Context) error {
		for _, name := range names {
			lineage := c.Lineage()
			if c.IsSet(name) {
				v := flagString(c, name)
				for _, up := range lineage[1:] {
					_ = up.Set(name, v) // contexts that lack the flag refuse it
				}
				continue
			}
			if len(lineage) > 1 && lineage[1] != nil {
				if v, ok := globalSet(lineage[1], name); ok {
					if err := c.Set(name, v); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
}

func flagString(c *ucli.Context, name string) string {
	switch v := c.Value(name).(type) {
	case string:
		return v
	case ucli.StringSlice:
		return strings.Join(v.Value(), ",")
	case []string:
		return strings.Join(v, ",")
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func chainBefore(first, then ucli.BeforeFunc) ucli.BeforeFunc {
	if then == nil {
		return first
	}
	return func(c *ucli.Context) error {
		if err := first(c); err != nil {
			return err
		}
		return then(c)
	}
}
