package chartrepo

import (
	"context"
	"errors"
	"fmt"
)

// ErrExists is returned by Add for a name already configured differently.
var ErrExists = errors.New("already exists")

// Add adds e to the config at p.Config after downloading its index (a
// repository that cannot be read is not saved). It reports false, and
// changes nothing, when an identical entry is there; an entry with the same
// name and other settings is replaced only with force.
func Add(ctx context.Context, p Paths, e *Entry, force bool, opts Options) (added bool, err error) {
	if err := ValidateName(e.Name); err != nil {
		return false, err
	}
	unlock, err := lockConfig(ctx, p.Config)
	if err != nil {
		return false, err
	}
	defer unlock()
	cfg, err := LoadConfig(p.Config)
	if err != nil && !errors.Is(err, ErrNoRepositories) {
		return false, err
	}
	if old := cfg.Get(e.Name); old != nil && !force {
		if *old == *e {
			return false, nil
		}
		return false, fmt.Errorf("repository name (%s) %w, please specify a different name", e.Name, ErrExists)
	}
	if _, err := Update(ctx, p, e, opts); err != nil {
		return false, fmt.Errorf("looks like %q is not a valid chart repository or cannot be reached: %w", redact(e.URL), err)
	}
	cfg.Set(e)
	return true, cfg.Save(p.Config)
}

// Remove deletes the named repositories from the config and their cached
// indexes; an unknown name fails before anything changes.
func Remove(ctx context.Context, p Paths, names []string) error {
	unlock, err := lockConfig(ctx, p.Config)
	if err != nil {
		return err
	}
	defer unlock()
	cfg, err := LoadConfig(p.Config)
	if err != nil {
		return err
	}
	for _, n := range names {
		if !cfg.Remove(n) {
			return fmt.Errorf("no repo named %q found", n)
		}
	}
	if err := cfg.Save(p.Config); err != nil {
		return err
	}
	for _, n := range names {
		if err := RemoveCache(p, n); err != nil {
			return err
		}
	}
	return nil
}

// UpdateResult is the outcome of refreshing one repository.
type UpdateResult struct {
	Entry *Entry
	Err   error
}

// UpdateAll refreshes the named repositories (all when names is empty)
// concurrently. An unknown name fails before any download; per-repository
// failures are in the results.
func UpdateAll(ctx context.Context, p Paths, names []string, opts Options) ([]UpdateResult, error) {
	cfg, err := LoadConfig(p.Config)
	if err != nil && !errors.Is(err, ErrNoRepositories) {
		return nil, err
	}
	if err != nil || len(cfg.Repositories) == 0 {
		return nil, errors.New("no repositories found. You must add one before updating")
	}
	entries := cfg.Repositories
	if len(names) > 0 {
		entries = nil
		for _, n := range names {
			e := cfg.Get(n)
			if e == nil {
				return nil, fmt.Errorf("no repositories found matching '%s'.  Nothing will be updated", n)
			}
			entries = append(entries, e)
		}
	}
	res := make([]UpdateResult, len(entries))
	forEach(len(entries), 8, func(i int) {
		_, err := Update(ctx, p, entries[i], opts)
		res[i] = UpdateResult{Entry: entries[i], Err: err}
	})
	return res, ctx.Err()
}
