package image

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/daemon"
	"github.com/moby/moby/client"
)

// openDaemon reads repo:tag from the local Docker daemon (DOCKER_HOST and
// the other DOCKER_* variables apply). The daemon is asked first whether it
// answers at all, so an absent daemon gives one clear error.
func openDaemon(ctx context.Context, ref string, opts Options) (Artifact, error) {
	r, err := name.ParseReference(ref, opts.nameOptions()...)
	if err != nil {
		return nil, fmt.Errorf("parse reference: %w", err)
	}
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("docker daemon: %w", err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		return nil, fmt.Errorf("no Docker daemon reachable at %s (start Docker, or set DOCKER_HOST; or give a `docker save` archive instead): %w", cli.DaemonHost(), err)
	}
	img, err := daemon.Image(r, daemon.WithContext(ctx), daemon.WithClient(cli))
	if err != nil {
		return nil, err
	}
	if _, err := img.Manifest(); err != nil {
		return nil, fmt.Errorf("read %s from the docker daemon: %w", ref, err)
	}
	return img, nil
}
