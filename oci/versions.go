package oci

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/errgroup"
)

// VersionInfo is one chart version in a repository.
type VersionInfo struct {
	Version string `json:"version"`
	Tag     string `json:"tag"`
	Digest  string `json:"digest"`
	Created string `json:"created,omitempty"`
}

// VersionList is what a repository holds: chart versions newest first, and
// tags that are not strict semver (which Helm silently ignores).
type VersionList struct {
	Repository string        `json:"repository"`
	Versions   []VersionInfo `json:"versions"`
	OtherTags  []string      `json:"otherTags,omitempty"`
}

// Versions lists the chart versions of ref (oci://host/ns/name) with their
// manifest digests and created annotations.
func (c *Client) Versions(ctx context.Context, ref string) (*VersionList, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	repo := c.repository(r)
	tags, err := listTags(ctx, repo)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", ref, err)
	}
	versions, other := splitVersions(tags)
	out := &VersionList{Repository: Scheme + r.Registry + "/" + r.Repository, OtherTags: other,
		Versions: make([]VersionInfo, len(versions))}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	var mu sync.Mutex
	for i, v := range versions {
		tag := TagForVersion(v.Original())
		g.Go(func() error {
			desc, err := resolveTag(ctx, repo, r, tag)
			if err != nil {
				return err
			}
			info := VersionInfo{Version: v.Original(), Tag: tag, Digest: desc.Digest.String()}
			if mb, _, err := c.fetchManifest(ctx, repo, desc.Digest); err == nil {
				var m ocispec.Manifest
				if json.Unmarshal(mb, &m) == nil {
					info.Created = m.Annotations[ocispec.AnnotationCreated]
				}
				_ = c.cache.Put(desc.Digest, mb)
			}
			mu.Lock()
			out.Versions[i] = info
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("versions of %s: %w", ref, err)
	}
	return out, nil
}
