package oci

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/errgroup"
	"oras.land/oras-go/v2/registry/remote"
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

// Bounds on a tag listing, against a registry that pages forever
// (Link: rel="next" on every page) or sends millions of tags.
const (
	maxTagPages = 1000
	maxTags     = 100_000
)

// listTags returns every tag of repo, following the registry's pages up to
// maxTagPages pages and maxTags tags.
func listTags(ctx context.Context, repo *remote.Repository) ([]string, error) {
	var tags []string
	pages := 0
	err := repo.Tags(ctx, "", func(page []string) error {
		if pages++; pages > maxTagPages {
			return fmt.Errorf("the registry sent more than %d pages of tags; berth stops there", maxTagPages)
		}
		if len(tags)+len(page) > maxTags {
			return fmt.Errorf("the repository has more than %d tags; berth stops there (give an exact --version or a tag)", maxTags)
		}
		tags = append(tags, page...)
		return nil
	})
	return tags, err
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
