package cli

import (
	"fmt"
	"slices"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// positionalArgs returns the command's positional arguments after applying
// any flags written among or after them. Helm (cobra) accepts
// `helm push chart.tgz oci://host --plain-http`; urfave/cli stops parsing
// flags at the first argument, so the rest are parsed here.
func positionalArgs(c *ucli.Context) ([]string, error) {
	args := c.Args().Slice()
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := findFlag(c.Command.Flags, name)
		if f == nil {
			f = findFlag(c.App.Flags, name) // a global flag such as --debug
		}
		if f == nil {
			return nil, unknownFlagError(c.App, commandPath(c), c.Command.Flags, name)
		}
		if isBoolFlag(f) && !hasValue {
			value, hasValue = "true", true
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag needs an argument: %s", a)
			}
			i++
			value = args[i]
		}
		if err := setInLineage(c, f.Names()[0], value); err != nil {
			return nil, fmt.Errorf("invalid value %q for flag %s: %w", value, a, err)
		}
	}
	return pos, nil
}

func findFlag(flags []ucli.Flag, name string) ucli.Flag {
	for _, f := range flags {
		if hasName(f, name) {
			return f
		}
	}
	return nil
}

// hasName reports whether name is one of f.Names(). urfave's Names runs a
// regexp over every name (a guard against v1-style "a, b" names); called
// for each command × global flag while the command tree is built, it was
// a tenth of a small render's CPU. Plain names are compared directly.
func hasName(f ucli.Flag, name string) bool {
	var first string
	var aliases []string
	switch f := f.(type) {
	case *ucli.BoolFlag:
		first, aliases = f.Name, f.Aliases
	case *ucli.StringFlag:
		first, aliases = f.Name, f.Aliases
	case *ucli.IntFlag:
		first, aliases = f.Name, f.Aliases
	case *ucli.DurationFlag:
		first, aliases = f.Name, f.Aliases
	case *ucli.StringSliceFlag:
		first, aliases = f.Name, f.Aliases
	default:
		return slices.Contains(f.Names(), name)
	}
	for _, n := range append([]string{first}, aliases...) {
		if strings.ContainsAny(n, ", \n") {
			return slices.Contains(f.Names(), name) // urfave's stripping
		}
		if n == name {
			return true
		}
	}
	return false
}

// setInLineage sets the flag on the nearest context that defines it.
func setInLineage(c *ucli.Context, name, value string) error {
	var err error
	if nearest(c, func(ctx *ucli.Context) bool { err = ctx.Set(name, value); return err == nil }) != nil {
		return nil
	}
	return err
}

// isBoolFlag reports whether f takes no value on the command line: a bool
// flag, or a value such as --dry-run's that says so (flag.boolFlag).
func isBoolFlag(f ucli.Flag) bool {
	switch f := f.(type) {
	case *ucli.BoolFlag:
		return true
	case *ucli.GenericFlag:
		b, ok := f.Value.(interface{ IsBoolFlag() bool })
		return ok && b.IsBoolFlag()
	}
	return false
}
