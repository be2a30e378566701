package cli

import ucli "github.com/urfave/cli/v2"

// Global flags can be given before the command or after it (see
// global_flags.go), so they are read from the command's context and every
// context above it: these helpers are that one walk.

// nearest is the first context, from c up to the app, for which found
// holds; nil when there is none.
func nearest(c *ucli.Context, found func(*ucli.Context) bool) *ucli.Context {
	for _, ctx := range c.Lineage() {
		if ctx != nil && found(ctx) {
			return ctx
		}
	}
	return nil
}

// globalBool reports a boolean flag turned on anywhere on the line.
func globalBool(c *ucli.Context, name string) bool {
	return nearest(c, func(ctx *ucli.Context) bool { return ctx.Bool(name) }) != nil
}

// globalString is the nearest non-empty value of a string flag.
func globalString(c *ucli.Context, name string) string {
	if ctx := nearest(c, func(ctx *ucli.Context) bool { return ctx.String(name) != "" }); ctx != nil {
		return ctx.String(name)
	}
	return ""
}

// globalSet is the value of a flag where it is nearest set (even empty),
// and whether it is set anywhere.
func globalSet(c *ucli.Context, name string) (string, bool) {
	if ctx := nearest(c, func(ctx *ucli.Context) bool { return ctx.IsSet(name) }); ctx != nil {
		return flagString(ctx, name), true
	}
	return "", false
}
