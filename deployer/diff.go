package deployer

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pmezard/go-difflib/difflib"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// ObjectDiff is what an operation would do to one object, as the API
// server answered a dry run of it.
type ObjectDiff struct {
	Change
	// Diff is a unified diff of live → result (YAML, Secret data masked).
	Diff string `json:"diff,omitempty"`
}

// DiffUpgrade shows what Upgrade would change, object by object, from
// server-side dry runs against the live objects: the upgrade's plan with a
// dry-run apply. Nothing is written.
func (d *Deployer) DiffUpgrade(ctx context.Context, opts UpgradeOptions) ([]ObjectDiff, error) {
	p, err := d.planUpgrade(ctx, opts)
	if err != nil {
		return nil, err
	}
	return d.diff(ctx, p)
}

// DiffRollback shows what Rollback would change.
func (d *Deployer) DiffRollback(ctx context.Context, opts RollbackOptions) ([]ObjectDiff, error) {
	p, err := d.planRollback(ctx, opts)
	if err != nil {
		return nil, err
	}
	return d.diff(ctx, p)
}

func (d *Deployer) diff(ctx context.Context, p *plan) ([]ObjectDiff, error) {
	col := &diffCollector{}
	if _, err := d.dryRun(ctx, p, DryRunServer, col.observe); err != nil {
		return nil, err
	}
	return col.result()
}

type diffCollector struct {
	mu    sync.Mutex
	diffs []ObjectDiff
	err   error
}

func (c *diffCollector) observe(o *Object, a Action, before, after *unstructured.Unstructured) {
	if a == ActionUnchanged {
		return
	}
	text, err := unifiedDiff(o, before, after)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.err = err
		return
	}
	if (a == ActionConfigured || a == ActionReplaced) && text == "" {
		return // the server's answer equals the live object
	}
	c.diffs = append(c.diffs, ObjectDiff{
		Change: Change{Kind: o.GetKind(), Namespace: o.GetNamespace(), Name: o.GetName(), Action: a},
		Diff:   text,
	})
}

func (c *diffCollector) result() ([]ObjectDiff, error) {
	sort.SliceStable(c.diffs, func(i, j int) bool { return kindBefore(c.diffs[i].Kind, c.diffs[j].Kind) })
	return c.diffs, c.err
}

func unifiedDiff(o *Object, before, after *unstructured.Unstructured) (string, error) {
	maskSecrets(before, after)
	a, err := diffYAML(before)
	if err != nil {
		return "", err
	}
	b, err := diffYAML(after)
	if err != nil {
		return "", err
	}
	if a == b {
		return "", nil
	}
	name := fmt.Sprintf("%s/%s", strings.ToLower(o.GetKind()), o.GetName())
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b),
		FromFile: "live " + name, ToFile: "berth " + name, Context: 3,
	})
}

// diffYAML renders an object without the fields the server churns.
func diffYAML(u *unstructured.Unstructured) (string, error) {
	if u == nil {
		return "", nil
	}
	c := u.DeepCopy()
	for _, f := range [][]string{
		{"metadata", "managedFields"}, {"metadata", "resourceVersion"}, {"metadata", "generation"},
		{"metadata", "creationTimestamp"}, {"metadata", "uid"}, {"status"},
	} {
		unstructured.RemoveNestedField(c.Object, f...)
	}
	b, err := yaml.Marshal(c.Object)
	return string(b), err
}

// maskSecrets hides Secret values: equal ones become "***", changed ones
// "*** (before)" and "*** (after)", so a diff shows which keys change only.
func maskSecrets(before, after *unstructured.Unstructured) {
	kindOf := before
	if kindOf == nil {
		kindOf = after
	}
	if kindOf == nil || kindOf.GetKind() != "Secret" || kindOf.GroupVersionKind().Group != "" {
		return
	}
	var bd, ad map[string]any
	if before != nil {
		bd, _, _ = unstructured.NestedMap(before.Object, "data")
	}
	if after != nil {
		ad, _, _ = unstructured.NestedMap(after.Object, "data")
	}
	mask := func(u *unstructured.Unstructured, own, other map[string]any, tag string) {
		if u == nil {
			return
		}
		for k, v := range own {
			if ov, ok := other[k]; ok && ov == v {
				own[k] = "***"
			} else {
				own[k] = "*** (" + tag + ")"
			}
		}
		if own != nil {
			_ = unstructured.SetNestedMap(u.Object, own, "data")
		}
		unstructured.RemoveNestedField(u.Object, "stringData")
	}
	bcopy, acopy := cloneMap(bd), cloneMap(ad)
	mask(before, bcopy, ad, "before")
	mask(after, acopy, bd, "after")
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
