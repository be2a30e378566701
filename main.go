// Command berth distributes and deploys Kubernetes charts through OCI registries.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/berth-dev/berth/cli"
)

// Set by the linker: go build -ldflags "-X main.version=v0.1.0 -X main.commit=abc123".
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args, cli.Build{Version: version, Commit: commit}, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
