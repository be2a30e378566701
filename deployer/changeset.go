package deployer

import (
	"fmt"
	"strings"
	"sync"
)

// Action is what apply did to one object.
type Action string

// Actions recorded in a ChangeSet.
const (
	ActionCreated    Action = "created"
	ActionConfigured Action = "configured"
	ActionReplaced   Action = "replaced" // updated as a whole (--force)
	ActionUnchanged  Action = "unchanged"
	ActionDeleted    Action = "deleted"
	ActionSkipped    Action = "skipped" // kept by helm.sh/resource-policy
)

// Change is one object's outcome.
type Change struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Action    Action `json:"action"`
}

func (c Change) String() string {
	if c.Namespace == "" {
		return fmt.Sprintf("%s/%s %s", c.Kind, c.Name, c.Action)
	}
	return fmt.Sprintf("%s/%s/%s %s", c.Kind, c.Namespace, c.Name, c.Action)
}

// ChangeSet lists what an apply did, in the order it happened. It is safe
// for concurrent appends.
type ChangeSet struct {
	mu      sync.Mutex
	Entries []Change `json:"entries"`
}

func (cs *ChangeSet) add(o *Object, a Action) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.Entries = append(cs.Entries, Change{Kind: o.GetKind(), Namespace: o.GetNamespace(), Name: o.GetName(), Action: a})
}

// Count returns how many entries have action a.
func (cs *ChangeSet) Count(a Action) int {
	n := 0
	for _, e := range cs.Entries {
		if e.Action == a {
			n++
		}
	}
	return n
}

func (cs *ChangeSet) String() string {
	var b strings.Builder
	for _, e := range cs.Entries {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}
