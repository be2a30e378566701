package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// child is a long-running process the demo started; stop ends it by pid.
type child struct {
	cmd  *exec.Cmd
	done chan error
}

// startRegistry runs `berth registry serve` on a free loopback port and
// returns once it prints its address.
func (d *demo) startRegistry(ctx context.Context, storage string) (string, *child, error) {
	args := []string{"registry", "serve", "--addr", "127.0.0.1:0", "--storage", storage}
	d.show(args)
	cmd := exec.Command(d.opts.Berth, args...)
	cmd.Env = d.env()
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start %s registry serve: %w", d.opts.Berth, err)
	}
	ch := &child{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := serveLine.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	go func() { ch.done <- cmd.Wait() }()
	select {
	case a := <-addr:
		return a, ch, nil
	case err := <-ch.done:
		return "", nil, fmt.Errorf("berth registry serve exited: %v", err)
	case <-time.After(30 * time.Second):
		ch.stop()
		return "", nil, errors.New("berth registry serve printed no address within 30s")
	case <-ctx.Done():
		ch.stop()
		return "", nil, ctx.Err()
	}
}

var serveLine = regexp.MustCompile(`Serving OCI registry on https?://(\S+) `)

// stop asks the process to end (SIGTERM), then kills it after 5 s.
func (c *child) stop() {
	if c == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// berth runs bin/berth with args, showing the command line and its output,
// and returns the output and the exit code (an error only when it could not
// run or exited with a code not in ok).
func (d *demo) berth(ctx context.Context, ok []int, args ...string) (string, int, error) {
	d.show(args)
	cmd := exec.CommandContext(ctx, d.opts.Berth, args...)
	cmd.Env = d.env()
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(&buf, d.indent())
	cmd.Stderr = d.indent()
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return "", code, fmt.Errorf("berth %s: %w", args[0], err)
	}
	for _, c := range append([]int{0}, ok...) {
		if c == code {
			return buf.String(), code, nil
		}
	}
	return buf.String(), code, fmt.Errorf("berth %s exited with code %d", strings.Join(args, " "), code)
}

// show prints a command line as the user would type it, the scratch
// folder written as $DEMO.
func (d *demo) show(args []string) {
	line := strings.ReplaceAll("berth "+strings.Join(args, " "), d.work, "$DEMO")
	fmt.Fprintf(d.out, "\n  $ %s\n", line)
}

// env is what every berth command sees: the demo's cluster, and config,
// cache and credentials kept inside the scratch folder.
func (d *demo) env() []string {
	env := append(os.Environ(),
		"XDG_CONFIG_HOME="+d.work+"/config",
		"XDG_CACHE_HOME="+d.work+"/cache",
		"XDG_DATA_HOME="+d.work+"/data",
		"DOCKER_CONFIG="+d.work+"/docker",
		"HELM_CACHE_HOME="+d.work+"/helm-cache",
		"HELM_CONFIG_HOME="+d.work+"/helm-config",
		"HELM_DATA_HOME="+d.work+"/helm-data")
	if d.cluster != nil {
		env = append(env, "KUBECONFIG="+d.cluster.Kubeconfig)
	}
	return env
}

// indent writes a child's output indented under its command line.
func (d *demo) indent() io.Writer { return &indenter{w: d.out, bol: true} }

type indenter struct {
	w   io.Writer
	bol bool
}

func (in *indenter) Write(p []byte) (int, error) {
	for _, b := range p {
		if in.bol {
			if _, err := io.WriteString(in.w, "    "); err != nil {
				return 0, err
			}
		}
		if _, err := in.w.Write([]byte{b}); err != nil {
			return 0, err
		}
		in.bol = b == '\n'
	}
	return len(p), nil
}
