package oci

import (
	"context"
	"errors"
	"fmt"
	"time"

	"oras.land/oras-go/v2/errdef"
)

// TagMovedError is a push refused because it would move an existing chart
// version tag to another digest: what was released under a version is what
// that version deploys, unless the user forces the move.
type TagMovedError struct {
	Repository string // host/ns/name
	Tag        string
	Has        string // the digest the tag names
	Refused    string // the digest that was not tagged
}

func (e *TagMovedError) Error() string {
	return fmt.Sprintf("tag %s of %s points to %s; refusing to move it to %s (chart versions are immutable; pass --force to move the tag)",
		e.Tag, e.Repository, e.Has, e.Refused)
}

// checkTag reports whether ref's tag already names digest (pushing again
// is then a no-op). A tag that names another digest is refused unless
// force; a missing tag is free.
func (c *Client) checkTag(ctx context.Context, ref Reference, digest string, force bool) (bool, error) {
	desc, err := c.repository(ref).Resolve(ctx, ref.Tag)
	switch {
	case errors.Is(err, errdef.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("check tag %s of %s/%s: %w", ref.Tag, ref.Registry, ref.Repository, err)
	case desc.Digest.String() == digest:
		return true, nil
	case force:
		return false, nil
	}
	return false, &TagMovedError{Repository: ref.Registry + "/" + ref.Repository, Tag: ref.Tag,
		Has: desc.Digest.String(), Refused: digest}
}

// prepareVersion builds the chart artifact and checks its version tag
// before anything is uploaded, so a release that would move a tag pushes
// no image either. The push checks again.
func (c *Client) prepareVersion(ctx context.Context, tgz []byte, dest string, created time.Time, force bool) (preparedChart, error) {
	p, err := prepareChart(tgz, dest, PushOptions{Created: created})
	if err != nil {
		return p, err
	}
	if _, err := c.checkTag(ctx, p.ref, p.digest(), force); err != nil {
		return p, explainRefusal(err, p.ref.Registry, "push")
	}
	return p, nil
}
