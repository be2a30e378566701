package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	ucli "github.com/urfave/cli/v2"

	registrytest "github.com/berth-dev/berth/registry-test"
)

var (
	progressBar = regexp.MustCompile(`\[[= ]{30}\]`)
	blobLine    = regexp.MustCompile(`(?m)^(pushed|mounted|exists) +\S+ sha256:[0-9a-f]{12} \(`)
)

// runInTerminal runs cmd with stdin, stdout and stderr on a new
// pseudo-terminal and returns everything it wrote there.
func runInTerminal(t *testing.T, cmd *exec.Cmd) (string, error) {
	t.Helper()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	_, rerr := io.Copy(&out, f)
	// Linux reports EIO once the child has closed the terminal.
	if rerr != nil && !errors.Is(rerr, syscall.EIO) {
		t.Fatalf("read terminal: %v", rerr)
	}
	return out.String(), cmd.Wait()
}

// TestProgressOnTerminalOnly releases an image of two 8 MiB layers through
// the built binary: on a terminal berth draws progress bars in place, in a
// pipe it prints one plain line per blob.
func TestProgressOnTerminalOnly(t *testing.T) {
	bin := buildBerth(t)
	r := registrytest.Start(t)
	dir := t.TempDir()
	imageTar := filepath.Join(dir, "hello.tar")
	img, err := random.Image(8<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(imageTar, name.MustParseReference("hello:1.0"), img); err != nil {
		t.Fatal(err)
	}
	chart, _ := filepath.Abs("../examples/hello")
	release := func(ns string, extra ...string) *exec.Cmd {
		args := append([]string{"release", chart, "--image", "hello=" + imageTar, "--to", "oci://" + r.Host + "/" + ns, "--plain-http"}, extra...)
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir(), "DOCKER_CONFIG="+t.TempDir(), "NO_COLOR=")
		return cmd
	}

	tty, err := runInTerminal(t, release("tty"))
	if err != nil {
		t.Fatalf("release on a terminal: %v\n%s", err, tty)
	}
	if !progressBar.MatchString(tty) || !strings.Contains(tty, "\x1b[") {
		t.Errorf("no progress bars on a terminal:\n%q", tty)
	}
	if !strings.Contains(tty, "Chart: oci://") {
		t.Errorf("no result on a terminal:\n%q", tty)
	}

	var stdout, stderr bytes.Buffer
	cmd := release("pipe")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("release in a pipe: %v\n%s", err, stderr.String())
	}
	piped := stdout.String() + stderr.String()
	if progressBar.MatchString(piped) || strings.Contains(piped, "\x1b") || strings.Contains(piped, "\r") {
		t.Errorf("bars or terminal escapes in a pipe:\n%q", piped)
	}
	if len(blobLine.FindAllString(stderr.String(), -1)) != 4 { // two layers, config, and the chart's config blob
		t.Errorf("want one plain line per blob on stderr in a pipe:\n%s", stderr.String())
	}
	if !strings.Contains(stdout.String(), "Chart: oci://") || strings.Contains(stdout.String(), "sha256:") && blobLine.MatchString(stdout.String()) {
		t.Errorf("stdout in a pipe should hold the result only:\n%s", stdout.String())
	}

}

func withEnv(cmd *exec.Cmd, env ...string) *exec.Cmd {
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// TestColorOnlyOnTerminal checks colorEnabled against a real terminal
// device and a pipe, with and without NO_COLOR and --no-color.
func TestColorOnlyOnTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	ctx := func(noColor bool) *ucli.Context {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.Bool(flagNoColor, noColor, "")
		fs.Bool(flagQuiet, false, "")
		return ucli.NewContext(ucli.NewApp(), fs, nil)
	}
	os.Unsetenv("NO_COLOR")
	t.Cleanup(func() { os.Unsetenv("NO_COLOR") })
	if !colorEnabled(ctx(false), tty) {
		t.Error("no colour on a terminal")
	}
	if colorEnabled(ctx(false), pw) || colorEnabled(ctx(false), &bytes.Buffer{}) {
		t.Error("colour in a pipe or buffer")
	}
	if colorEnabled(ctx(true), tty) {
		t.Error("colour with --no-color")
	}
	t.Setenv("NO_COLOR", "")
	if colorEnabled(ctx(false), tty) {
		t.Error("colour with NO_COLOR set (even empty, as no-color.org says)")
	}
}
