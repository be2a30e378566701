// Command testcluster starts and stops a long-lived local control plane for
// humans (go tool task cluster:up / cluster:down).
//
//	testcluster up --state DIR     start in the background, print the kubeconfig path
//	testcluster down --state DIR   stop it and remove DIR
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/berth-dev/berth/testcluster"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testcluster up|down --state DIR")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	state := fs.String("state", ".cache/state/cluster", "folder for the cluster's data, logs, pid and kubeconfig")
	nodes := fs.Int("nodes", 2, "number of kwok nodes")
	_ = fs.Parse(os.Args[2:])
	dir, err := filepath.Abs(*state)
	if err == nil {
		switch os.Args[1] {
		case "up":
			err = up(dir)
		case "down":
			err = down(dir)
		case "serve":
			err = serve(dir, *nodes)
		default:
			err = fmt.Errorf("unknown command %q: use up or down", os.Args[1])
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testcluster:", err)
		os.Exit(1)
	}
}

// up starts `serve` detached from the terminal and waits until it is ready.
func up(dir string) error {
	if pid, err := readPid(dir); err == nil && syscall.Kill(pid, 0) == nil {
		fmt.Printf("already running (pid %d)\nexport KUBECONFIG=%s\n", pid, filepath.Join(dir, "kubeconfig"))
		return nil
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	log, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(self, "serve", "--state", dir)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	ready := filepath.Join(dir, "ready")
	deadline := time.After(2 * time.Minute)
	for {
		if _, err := os.Stat(ready); err == nil {
			fmt.Printf("control plane running (pid %d, logs in %s)\nexport KUBECONFIG=%s\n", cmd.Process.Pid, dir, filepath.Join(dir, "kubeconfig"))
			return nil
		}
		select {
		case err := <-exited:
			b, _ := os.ReadFile(log.Name())
			return fmt.Errorf("control plane exited (%v):\n%s", err, b)
		case <-deadline:
			return errors.New("control plane not ready after 2 minutes; see " + log.Name())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// serve runs the control plane in the foreground until SIGTERM or SIGINT.
func serve(dir string, nodes int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := testcluster.Start(ctx, testcluster.Options{Dir: filepath.Join(dir, "data"), Nodes: nodes})
	if err != nil {
		return err
	}
	defer c.Stop()
	if err := os.Rename(c.Kubeconfig, filepath.Join(dir, "kubeconfig")); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "ready"), nil, 0o644); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// down stops the control plane started by up and removes its folder.
func down(dir string) error {
	pid, err := readPid(dir)
	if err != nil {
		fmt.Println("not running")
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err == nil {
		for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}
	fmt.Printf("stopped (pid %d)\n", pid)
	return os.RemoveAll(dir)
}

func readPid(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "pid"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}
