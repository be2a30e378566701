package image

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// openRemote opens ref from its registry: an index stays an index (every
// platform is pushed), an image stays an image. Layers from a registry are
// mountable, so pushing them within the same registry mounts instead of
// copying.
func openRemote(ctx context.Context, ref string, opts Options) (Artifact, error) {
	r, err := name.ParseReference(ref, opts.nameOptions()...)
	if err != nil {
		return nil, fmt.Errorf("parse reference: %w", err)
	}
	desc, err := remote.Get(r, append(opts.remoteOptions(), remote.WithContext(ctx))...)
	if err != nil {
		return nil, err
	}
	if desc.MediaType.IsIndex() {
		return desc.ImageIndex()
	}
	return desc.Image()
}
