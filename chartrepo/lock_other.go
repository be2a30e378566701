//go:build !unix

package chartrepo

import "context"

// lockConfig is a no-op where flock is not available.
func lockConfig(context.Context, string) (func(), error) { return func() {}, nil }
