package image

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// upload sends one blob unless the registry has it, offering a mount from
// a repository of the same registry that has it, and reports progress.
func (p *Pusher) upload(ctx context.Context, l v1.Layer, r name.Repository) error {
	select {
	case p.sem <- struct{}{}:
		defer func() { <-p.sem }()
	case <-ctx.Done():
		return ctx.Err()
	}
	h, err := l.Digest()
	if err != nil {
		return err
	}
	size, err := l.Size()
	if err != nil {
		return err
	}
	ev := Event{Repository: r.String(), Digest: h.String(), Size: size}
	counted := &countingLayer{Layer: l, tick: func(n int64) {
		e := ev
		e.Kind, e.Bytes = BlobProgress, n
		p.opts.emit(e)
	}}
	wrapped, mountable := p.mountable(l, counted, h, r)
	ev.Kind = BlobStart
	p.opts.emit(ev)
	if err := p.rp.Upload(ctx, r, wrapped); err != nil {
		if ctx.Err() != nil {
			p.cancelUpload(ctx, r, err)
		}
		return fmt.Errorf("blob %s: %w", h, err)
	}
	p.mu.Lock()
	if _, ok := p.placed[h]; !ok {
		p.placed[h] = r
	}
	p.mu.Unlock()
	ev.Kind, ev.Bytes = BlobDone, counted.n.Load()
	ev.Mounted = mountable && ev.Bytes == 0
	p.opts.emit(ev)
	return nil
}

// mountable wraps counted as a mountable layer when the blob is known to be
// in another repository of r's registry: the source image's own repository,
// or one this pusher already uploaded it to.
func (p *Pusher) mountable(orig v1.Layer, counted v1.Layer, h v1.Hash, r name.Repository) (v1.Layer, bool) {
	if ml, ok := orig.(*remote.MountableLayer); ok && ml.Reference.Context().RegistryStr() == r.RegistryStr() {
		return &remote.MountableLayer{Layer: counted, Reference: ml.Reference}, true
	}
	p.mu.Lock()
	from, ok := p.placed[h]
	p.mu.Unlock()
	if ok && from.RegistryStr() == r.RegistryStr() && from.String() != r.String() {
		return &remote.MountableLayer{Layer: counted, Reference: from.Digest(h.String())}, true
	}
	return counted, false
}
