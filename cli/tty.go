package cli

import (
	"io"
	"os"

	ucli "github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// flagQuiet silences progress output (bars and per-blob or per-object
// lines); results and errors are still printed.
const flagQuiet = "quiet"

// isTTY reports whether w is a terminal: progress bars and colour go only
// there, pipes and files get plain lines.
func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// colorEnabled: colour only on a terminal, never with NO_COLOR set (any
// value, https://no-color.org) or with --no-color where a command has it.
func colorEnabled(c *ucli.Context, w io.Writer) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	return !globalBool(c, flagNoColor) && isTTY(w)
}

// quietEnabled reports --quiet (or BERTH_QUIET) anywhere on the command line.
func quietEnabled(c *ucli.Context) bool { return globalBool(c, flagQuiet) }
