// Command berth distributes and deploys Kubernetes charts through OCI registries.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/berth-dev/berth/cli"
	"github.com/berth-dev/berth/internal/startup"
)

// Set by the linker: go build -ldflags "-X main.version=v0.1.0 -X main.commit=abc123".
var (
	version = "dev"
	commit  = "unknown"
)

// interruptGrace is how long berth lets a cancelled command record its
// failure and remove its temporary files before it exits anyway. Cancelled
// renders and transfers stop at once; the bound is for the failed-revision
// write, which must not be cut off by a slow API server (1 s lost it on a
// loaded machine). A second signal still exits at once.
const interruptGrace = 10 * time.Second

func main() {
	startup.Done()
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		cancel()
		// A second signal, or a command that does not stop in time, ends
		// the process: Ctrl-C always works.
		select {
		case <-sigs:
		case <-time.After(interruptGrace):
		}
		fmt.Fprintln(os.Stderr, cli.InterruptedMessage)
		os.Exit(cli.ExitInterrupted)
	}()
	code := cli.Run(ctx, os.Args, cli.Build{Version: version, Commit: commit}, os.Stdin, os.Stdout, os.Stderr)
	os.Exit(code)
}
