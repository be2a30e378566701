package image

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"
)

// Pusher pushes images and indexes by digest. One Pusher shares
// connections, tokens and an upload limit across every push, and remembers
// which repository received each blob so a later push to another
// repository of the same registry mounts it instead of sending it again.
// It is safe for concurrent use.
type Pusher struct {
	opts Options
	rp   *remote.Pusher
	sem  chan struct{}

	mu     sync.Mutex
	placed map[v1.Hash]name.Repository
}

// NewPusher prepares a pusher; it does not contact any registry.
func NewPusher(opts Options) (*Pusher, error) {
	rp, err := remote.NewPusher(opts.remoteOptions()...)
	if err != nil {
		return nil, err
	}
	return &Pusher{opts: opts, rp: rp, sem: make(chan struct{}, opts.jobs()), placed: map[v1.Hash]name.Repository{}}, nil
}

// Push uploads a to repo ("host/ns/name") by digest, without a tag: every
// blob the registry lacks (concurrently), then the manifests, children of an
// index first. It returns "host/ns/name@sha256:…".
func (p *Pusher) Push(ctx context.Context, a Artifact, repo string) (string, error) {
	r, err := name.NewRepository(repo, p.opts.nameOptions()...)
	if err != nil {
		return "", fmt.Errorf("push to %q: %w", repo, err)
	}
	h, err := a.Digest()
	if err != nil {
		return "", fmt.Errorf("push to %s: %w", repo, err)
	}
	if err := p.push(ctx, a, r); err != nil {
		return "", fmt.Errorf("push %s to %s: %w", h, repo, err)
	}
	return r.Digest(h.String()).String(), nil
}

func (p *Pusher) push(ctx context.Context, a Artifact, r name.Repository) error {
	switch t := a.(type) {
	case v1.ImageIndex:
		return p.pushIndex(ctx, t, r)
	case v1.Image:
		return p.pushImage(ctx, t, r)
	}
	return fmt.Errorf("%T is neither an image nor an index", a)
}

func (p *Pusher) pushIndex(ctx context.Context, idx v1.ImageIndex, r name.Repository) error {
	err := eachChild(idx, func(child Artifact) error { return p.push(ctx, child, r) })
	if err != nil {
		return err
	}
	return p.putManifest(ctx, idx, r)
}

func (p *Pusher) pushImage(ctx context.Context, img v1.Image, r name.Repository) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	cfg, err := partial.ConfigLayer(img)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, l := range append(layers, cfg) {
		g.Go(func() error { return p.upload(gctx, l, r) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return p.putManifest(ctx, img, r)
}

func (p *Pusher) putManifest(ctx context.Context, t remote.Taggable, r name.Repository) error {
	h, err := t.(Artifact).Digest()
	if err != nil {
		return err
	}
	if err := p.rp.Put(ctx, r.Digest(h.String()), t); err != nil {
		return fmt.Errorf("manifest %s: %w", h, err)
	}
	return nil
}

// Tag pushes a (like Push) and points tag at it.
func (p *Pusher) Tag(ctx context.Context, a Artifact, repo, tag string) (string, error) {
	ref, err := p.Push(ctx, a, repo)
	if err != nil {
		return "", err
	}
	r, _ := name.NewRepository(repo, p.opts.nameOptions()...)
	if err := p.rp.Put(ctx, r.Tag(tag), a.(remote.Taggable)); err != nil {
		return "", fmt.Errorf("tag %s:%s: %w", repo, tag, err)
	}
	return ref, nil
}
