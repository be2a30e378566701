package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
)

// recoverInternal turns a panic into berth's one-line error form with exit
// code 1; the Go stack trace is printed only with --debug (or BERTH_DEBUG),
// since it helps a bug report, not the user.
func recoverInternal(args []string, stderr io.Writer, code *int) {
	r := recover()
	if r == nil {
		return
	}
	fmt.Fprintf(stderr, "Error: internal error in berth: %v\nPlease report it with the command line; run with --debug for the stack trace.\n", r)
	if debugRequested(args) {
		stderr.Write(debug.Stack())
	}
	*code = 1
}

// debugRequested reads --debug before (or without) urfave's parsing, which
// a panic may have interrupted.
func debugRequested(args []string) bool {
	if v, err := strconv.ParseBool(os.Getenv("BERTH_DEBUG")); err == nil && v {
		return true
	}
	return slices.Contains(args, "--debug") || slices.Contains(args, "--debug=true")
}
