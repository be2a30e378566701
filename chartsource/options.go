package chartsource

import (
	"time"

	"github.com/berth-dev/berth/chartfmt/provenance"
	"github.com/berth-dev/berth/chartrepo"
	"github.com/berth-dev/berth/oci"
)

// Options say which version of a reference to take, how to verify it and
// how to reach registries and repositories. The zero value reads local
// charts only.
type Options struct {
	// Version is a version, a semver range or (oci://) a tag or digest;
	// "" takes the reference's tag, else the newest stable version.
	Version string
	// Devel lets an empty Version or a range select pre-releases.
	Devel bool
	// Verify is what must be proven before the chart is returned.
	Verify Policy
	// Form is what Source carries: the loaded chart or its archive.
	Form Form
	// Created stamps the archive of a chart directory packaged for
	// FormArchive (SOURCE_DATE_EPOCH, else chartfmt's fixed time).
	Created time.Time
	// Registry returns the client for oci:// references; it is called only
	// when one is read.
	Registry func() (*oci.Client, error)
	// Repo reaches classic repositories.
	Repo RepoOptions
	// Accept limits the kinds of reference taken (nil: all); a reference of
	// another kind is read as the first of them (a command taking only paths
	// or only oci:// references reports that one's error).
	Accept []Kind
	// Warn receives notes for the user (nil: dropped).
	Warn func(string)
}

// Form is what a resolved Source carries.
type Form int

const (
	// FormChart loads the chart (Source.Chart; Archive too when it was
	// downloaded).
	FormChart Form = iota
	// FormArchive keeps the archive bytes only (Source.Archive), packaging
	// a chart directory reproducibly.
	FormArchive
)

// Policy is what must be verified before a chart is used. Keys and Keyring
// exclude each other.
type Policy struct {
	// CosignKeys are public key files (cosign.pub): an oci:// chart must
	// carry a cosign signature by one of them.
	CosignKeys []string
	// Images also requires, for FormChart, a signature by CosignKeys on
	// every image the chart's pod templates render with ImageValues.
	Images      bool
	ImageValues map[string]any
	// Keyring requires the chart's PGP provenance file (.prov next to the
	// archive, or an oci:// chart's provenance layer) to verify with one of
	// its keys.
	Keyring *provenance.Keyring
}

// RepoOptions reach classic (index.yaml) repositories.
type RepoOptions struct {
	// Paths are repositories.yaml and the index cache (REPO/CHART).
	Paths chartrepo.Paths
	// URL is helm's --repo: CHART is a chart name in this repository's
	// index. AlwaysURL looks every CHART up there, even one that names a
	// local path (helm pull).
	URL       string
	AlwaysURL bool
	// Entry holds the credentials and TLS files given for URL and for
	// archive URLs of no added repository (PassCredentialsAll: URL only).
	Entry chartrepo.Entry
	// Download tunes the downloads (user agent; Prov fetches the
	// provenance file without verifying it). Its Verify is Policy.Keyring.
	Download chartrepo.Options
}

func (o Options) accepts(k Kind) bool {
	if o.Accept == nil {
		return true
	}
	for _, a := range o.Accept {
		if a == k {
			return true
		}
	}
	return false
}

func (o Options) warn(msg string) {
	if o.Warn != nil {
		o.Warn(msg)
	}
}
