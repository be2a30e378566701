package cli

import (
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
)

// Value flags shared by template, lint, install and upgrade, named as Helm
// names them. Each may repeat; values are never split on commas (the --set
// parser reads the commas).
const (
	flagValues       = "values"
	flagSet          = "set"
	flagSetString    = "set-string"
	flagSetFile      = "set-file"
	flagSetJSON      = "set-json"
	flagSetLiteral   = "set-literal"
	flagSkipSchemaVl = "skip-schema-validation"
)

// stringArray is a repeatable string flag that keeps each value whole.
type stringArray []string

func (s *stringArray) Set(v string) error { *s = append(*s, v); return nil }
func (s *stringArray) String() string     { return strings.Join(*s, ",") }

// arrayFlag returns the flag and, for each short name, a hidden twin that
// shares its storage: urfave's own aliases would copy every value between
// the names (doubling it) and reject "-f a --values b".
func arrayFlag(name string, aliases []string, usage string) []ucli.Flag {
	v := &stringArray{}
	for _, a := range aliases {
		usage += " (short: -" + a + ")"
	}
	flags := []ucli.Flag{&ucli.GenericFlag{Name: name, Usage: usage, Value: v}}
	for _, a := range aliases {
		flags = append(flags, &ucli.GenericFlag{Name: a, Usage: "same as --" + name, Value: v, Hidden: true})
	}
	return flags
}

// valuesFlags returns fresh value flags (their storage is per flag).
func valuesFlags() []ucli.Flag {
	var flags []ucli.Flag
	for _, f := range [][]ucli.Flag{
		arrayFlag(flagValues, []string{"f"}, "specify values in a YAML file (can specify multiple; - reads stdin)"),
		arrayFlag(flagSet, nil, "set values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)"),
		arrayFlag(flagSetString, nil, "set STRING values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)"),
		arrayFlag(flagSetFile, nil, "set values from respective files specified via the command line (can specify multiple or separate values with commas: key1=path1,key2=path2)"),
		arrayFlag(flagSetJSON, nil, "set JSON values on the command line (can specify multiple or separate values with commas: key1=jsonval1,key2=jsonval2)"),
		arrayFlag(flagSetLiteral, nil, "set a literal STRING value on the command line"),
	} {
		flags = append(flags, f...)
	}
	return append(flags, &ucli.BoolFlag{Name: flagSkipSchemaVl, Usage: "disable JSON schema validation"})
}

func arrayValue(c *ucli.Context, name string) []string {
	if v, ok := c.Generic(name).(*stringArray); ok && v != nil {
		return *v
	}
	return nil
}

// valueOptions reads the value flags of c.
func valueOptions(c *ucli.Context) chartfmt.ValueOptions {
	return chartfmt.ValueOptions{
		ValueFiles:    arrayValue(c, flagValues),
		Values:        arrayValue(c, flagSet),
		StringValues:  arrayValue(c, flagSetString),
		FileValues:    arrayValue(c, flagSetFile),
		JSONValues:    arrayValue(c, flagSetJSON),
		LiteralValues: arrayValue(c, flagSetLiteral),
		Stdin:         c.App.Reader,
	}
}
