package oci

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/Masterminds/semver/v3"
	"github.com/opencontainers/go-digest"
	"oras.land/oras-go/v2/registry/remote"
)

// develConstraint is what --devel means when no version is given: every
// version including prereleases (Helm's ">0.0.0-0").
const develConstraint = ">0.0.0-0"

// resolved is a chart reference narrowed to one manifest.
type resolved struct {
	ref    Reference // with Tag (if any) and Digest
	digest digest.Digest
}

// resolve turns ref plus version/devel into a manifest digest:
//   - tag@digest: the tag must exist and point to the digest (Helm silently
//     ignores a missing tag; berth refuses);
//   - digest only: used as is;
//   - a tag in the reference, or an exact --version: resolved by HEAD, no listing;
//   - range or nothing: tags listed, highest match (stable only unless devel).
func (c *Client) resolve(ctx context.Context, repo *remote.Repository, ref Reference, version string, devel bool) (resolved, error) {
	if ref.Tag != "" && version != "" && ref.Tag != TagForVersion(version) {
		return resolved{}, fmt.Errorf("chart reference and version mismatch: %s is not %s", VersionForTag(ref.Tag), version)
	}
	literal := false // a tag written in the reference is used as is, semver or not
	if version == "" && ref.Tag != "" {
		version, literal = VersionForTag(ref.Tag), true
	}
	if ref.Digest != "" {
		d := digest.Digest(ref.Digest)
		if version == "" {
			return resolved{ref: ref, digest: d}, nil
		}
		desc, err := resolveTag(ctx, repo, ref, TagForVersion(version))
		if err != nil {
			return resolved{}, err
		}
		if desc.Digest != d {
			return resolved{}, fmt.Errorf("chart reference digest mismatch: tag %s points to %s, not %s", version, desc.Digest, d)
		}
		return resolved{ref: ref.WithTag(version).WithDigest(ref.Digest), digest: d}, nil
	}
	tag := ref.Tag
	if !literal {
		var err error
		if tag, err = c.pickTag(ctx, repo, ref, version, devel); err != nil {
			return resolved{}, err
		}
	}
	desc, err := resolveTag(ctx, repo, ref, tag)
	if err != nil {
		return resolved{}, err
	}
	return resolved{ref: ref.WithTag(tag).WithDigest(desc.Digest.String()), digest: desc.Digest}, nil
}

// pickTag returns the tag for version: the version itself when it is exact,
// otherwise the highest listed version matching the range.
func (c *Client) pickTag(ctx context.Context, repo *remote.Repository, ref Reference, version string, devel bool) (string, error) {
	if version != "" {
		if _, err := semver.NewVersion(version); err == nil {
			return TagForVersion(version), nil
		}
	}
	constraint := version
	if constraint == "" {
		constraint = "*"
		if devel {
			constraint = develConstraint
		}
	}
	cons, err := semver.NewConstraint(constraint)
	if err != nil {
		return "", fmt.Errorf("version %q is neither a version nor a range: %w", version, err)
	}
	tags, err := listTags(ctx, repo)
	if err != nil {
		return "", fmt.Errorf("list tags of %s/%s: %w", ref.Registry, ref.Repository, err)
	}
	versions, _ := splitVersions(tags)
	for _, v := range versions {
		if cons.Check(v) {
			return TagForVersion(v.Original()), nil
		}
	}
	if len(versions) == 0 {
		return "", fmt.Errorf("%s/%s has no semver tags", ref.Registry, ref.Repository)
	}
	return "", fmt.Errorf("no version of %s/%s matches %q (newest is %s)", ref.Registry, ref.Repository, constraint, versions[0].Original())
}

// splitVersions maps tags to versions ('_' back to '+'), strict semver only,
// sorted newest first; other tags are returned apart, sorted.
func splitVersions(tags []string) ([]*semver.Version, []string) {
	var versions []*semver.Version
	var other []string
	for _, t := range tags {
		v, err := semver.StrictNewVersion(VersionForTag(t))
		if err != nil {
			other = append(other, t)
			continue
		}
		versions = append(versions, v)
	}
	sort.SliceStable(versions, func(i, j int) bool { return versions[i].GreaterThan(versions[j]) })
	sort.Strings(other)
	return versions, other
}

var errNoChart = errors.New("no Helm chart manifest")
