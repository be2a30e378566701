// Command testregistry runs a long-lived anonymous OCI registry for humans:
//
//	testregistry up --state DIR    start it in the background, print its address
//	testregistry down --state DIR  stop it and remove DIR
//
// The registry is CNCF Distribution (registrytest.Listen) on a free
// 127.0.0.1 port; DIR holds addr, pid, log and the storage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	registrytest "github.com/berth-dev/berth/registry-test"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "testregistry:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: testregistry up|down --state DIR")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	state := fs.String("state", "", "folder for addr, pid, log and storage")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *state == "" {
		return errors.New("--state DIR is required")
	}
	dir, err := filepath.Abs(*state)
	if err != nil {
		return err
	}
	switch args[0] {
	case "up":
		return up(dir)
	case "down":
		return down(dir)
	case "serve":
		return serve(dir)
	}
	return fmt.Errorf("unknown command %q: use up or down", args[0])
}

// up starts `testregistry serve` as a detached process and waits until it answers /v2/.
func up(dir string) error {
	if addr, ok := running(dir); ok {
		fmt.Println(addr)
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	_ = os.Remove(filepath.Join(dir, "addr"))
	self, err := os.Executable()
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(self, "serve", "--state", dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start registry: %w", err)
	}
	_ = cmd.Process.Release()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if addr, ok := running(dir); ok {
			fmt.Println(addr)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("registry did not answer within 30s; see %s", filepath.Join(dir, "log"))
}

// running reports the address of a registry that answers /v2/.
func running(dir string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "addr"))
	if err != nil {
		return "", false
	}
	addr := strings.TrimSpace(string(b))
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + addr + "/v2/")
	if err != nil {
		return "", false
	}
	resp.Body.Close()
	return addr, resp.StatusCode == http.StatusOK
}

func serve(dir string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	srv, err := registrytest.Listen(ctx, dir, "127.0.0.1:0")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return err
	}
	tmp := filepath.Join(dir, "addr.tmp")
	if err := os.WriteFile(tmp, []byte(srv.Addr+"\n"), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, "addr")); err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	return srv.Serve()
}

// down stops the registry recorded in dir and removes dir.
func down(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "pid"))
	if err == nil {
		pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
		if perr != nil {
			return fmt.Errorf("%s: bad pid %q", filepath.Join(dir, "pid"), b)
		}
		if err := stopPid(pid); err != nil {
			return err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.RemoveAll(dir)
}

func stopPid(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		return nil // already gone
	}
	for i := 0; i < 100; i++ {
		if p.Signal(syscall.Signal(0)) != nil || zombie(pid) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return p.Kill()
}

// zombie reports whether pid has exited but not been reaped (its parent is
// still running, as when the tests start it); it no longer serves.
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndex(string(b), ")")
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}
