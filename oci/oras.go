package oci

import "oras.land/oras-go/v2/registry"

func refForOras(r Reference) registry.Reference {
	ref := registry.Reference{Registry: r.Registry, Repository: r.Repository, Reference: r.Tag}
	if r.Digest != "" {
		ref.Reference = r.Digest
	}
	return ref
}
