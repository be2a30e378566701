package oci

import (
	"context"
	"fmt"
	"strings"
)

// Search lists the repositories under where (oci://host or oci://host/ns)
// through the registry's catalog API. Many hosted registries disable the
// catalog; their refusal is returned as is.
func (c *Client) Search(ctx context.Context, where string) ([]string, error) {
	rest, ok := strings.CutPrefix(where, Scheme)
	if !ok {
		return nil, fmt.Errorf("search %q: must start with %s", where, Scheme)
	}
	host, prefix, _ := strings.Cut(strings.TrimSuffix(rest, "/"), "/")
	if err := validateHost(host); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var out []string
	err := c.registry(host).Repositories(ctx, "", func(repos []string) error {
		for _, r := range repos {
			if prefix == "" || r == prefix || strings.HasPrefix(r, prefix+"/") {
				out = append(out, Scheme+host+"/"+r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search %s (catalog API): %w", where, err)
	}
	return out, nil
}
