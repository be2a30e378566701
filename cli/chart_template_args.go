package cli

import (
	"flag"
	"io"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// Helm's users write flags anywhere (`template NAME CHART -f v.yaml`), but
// urfave/cli stops parsing flags at the first positional argument. The
// template command therefore parses what follows the positional arguments
// again with its own flags. Repeatable flags share their storage with the
// urfave flags, so their values keep command-line order.

// cmdFlags reads a command's flags whether given before or after the
// positional arguments.
type cmdFlags struct {
	c     *ucli.Context
	extra *flag.FlagSet
	set   map[string]bool   // canonical names given after positionals
	vals  map[string]string // their last values
}

// parseInterspersed returns the positional arguments and the flags of c,
// including flags that follow positional arguments.
func parseInterspersed(c *ucli.Context) ([]string, *cmdFlags, error) {
	f := &cmdFlags{c: c, extra: flag.NewFlagSet(c.Command.Name, flag.ContinueOnError), set: map[string]bool{}, vals: map[string]string{}}
	f.extra.SetOutput(io.Discard)
	canonical := map[string]string{}
	for _, fl := range c.Command.Flags {
		if err := fl.Apply(f.extra); err != nil {
			return nil, nil, err
		}
		for _, n := range fl.Names() {
			canonical[n] = fl.Names()[0]
		}
	}
	var positional []string
	args := c.Args().Slice()
	for len(args) > 0 {
		if err := f.extra.Parse(args); err != nil {
			if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
				return nil, nil, unknownFlagError(c.App, commandPath(c), c.Command.Flags, name)
			}
			return nil, nil, err
		}
		args = f.extra.Args()
		if len(args) > 0 {
			positional = append(positional, args[0])
			args = args[1:]
		}
	}
	f.extra.Visit(func(fl *flag.Flag) {
		f.set[canonical[fl.Name]] = true
		f.vals[canonical[fl.Name]] = fl.Value.String()
	})
	return positional, f, nil
}

// IsSet reports whether the flag was given in either place.
func (f *cmdFlags) IsSet(name string) bool { return f.set[name] || f.c.IsSet(name) }

// String is the flag's value, a trailing one winning.
func (f *cmdFlags) String(name string) string {
	if f.set[name] {
		return f.vals[name]
	}
	return f.c.String(name)
}

// Bool is the flag's value, a trailing one winning.
func (f *cmdFlags) Bool(name string) bool {
	if f.set[name] {
		return f.vals[name] == "true"
	}
	return f.c.Bool(name)
}
