package deployer

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// memStore is an in-memory ReleaseStore with the Secret store's semantics:
// revisions are kept encoded (callers never share memory with it), Create
// of an existing revision is ErrLocked, Update of a changed one ErrConflict.
// afterHistory, if set, runs after each History read (to interleave
// operations in tests).
type memStore struct {
	mu           sync.Mutex
	revs         map[string]memRevision
	rv           int
	afterHistory func(namespace, name string)
}

type memRevision struct {
	data   []byte
	labels map[string]string
	rv     string
	// deadline is what the Secret annotation holds on a real store.
	deadline time.Time
	origin   *Origin
}

func newMemStore() *memStore { return &memStore{revs: map[string]memRevision{}} }

func memKey(namespace, name string, version int) string {
	return namespace + "/" + name + "/" + strconv.Itoa(version)
}

func (s *memStore) put(r *Release) error {
	data, err := encodeRelease(r)
	if err != nil {
		return err
	}
	s.rv++
	rv := strconv.Itoa(s.rv)
	s.revs[memKey(r.Namespace, r.Name, r.Version)] = memRevision{data: data, labels: r.Labels, rv: rv, deadline: r.Deadline, origin: r.Origin}
	r.resourceVersion = rv
	return nil
}

func (s *memStore) Create(_ context.Context, r *Release) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.revs[memKey(r.Namespace, r.Name, r.Version)]; ok {
		return fmt.Errorf("create %s revision %d: %w", r.Name, r.Version, ErrLocked)
	}
	return s.put(r)
}

func (s *memStore) Update(_ context.Context, r *Release) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.revs[memKey(r.Namespace, r.Name, r.Version)]
	if !ok {
		return fmt.Errorf("update %s revision %d: not found", r.Name, r.Version)
	}
	if r.resourceVersion != "" && r.resourceVersion != cur.rv {
		return fmt.Errorf("update %s revision %d: %w", r.Name, r.Version, ErrConflict)
	}
	return s.put(r)
}

func (s *memStore) decode(m memRevision) (*Release, error) {
	r, err := decodeRelease(m.data)
	if err != nil {
		return nil, err
	}
	r.Labels, r.resourceVersion, r.Origin = m.labels, m.rv, m.origin
	if r.Info != nil && r.Info.Status.IsPending() {
		r.Deadline = m.deadline
	}
	return r, nil
}

func (s *memStore) Get(_ context.Context, namespace, name string, version int) (*Release, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.revs[memKey(namespace, name, version)]
	if !ok {
		return nil, fmt.Errorf("release %q revision %d: %w", name, version, ErrReleaseNotFound)
	}
	return s.decode(m)
}

func (s *memStore) History(_ context.Context, namespace, name string) ([]*Release, error) {
	out, err := s.matching(func(r *Release) bool { return r.Namespace == namespace && r.Name == name })
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("release %q: %w", name, ErrReleaseNotFound)
	}
	if s.afterHistory != nil {
		s.afterHistory(namespace, name)
	}
	return out, err
}

func (s *memStore) matching(keep func(*Release) bool) ([]*Release, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Release
	for _, m := range s.revs {
		r, err := s.decode(m)
		if err != nil {
			return nil, err
		}
		if keep(r) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace+"/"+out[i].Name != out[j].Namespace+"/"+out[j].Name {
			return out[i].Namespace+"/"+out[i].Name < out[j].Namespace+"/"+out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

func (s *memStore) Delete(_ context.Context, namespace, name string, version int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.revs, memKey(namespace, name, version))
	return nil
}

func (s *memStore) List(_ context.Context, opts ListOptions) ([]*Release, error) {
	all, err := s.matching(func(r *Release) bool { return opts.AllNamespaces || r.Namespace == opts.Namespace })
	if err != nil {
		return nil, err
	}
	var out []*Release
	for i, r := range all {
		newest := i == len(all)-1 || all[i+1].Name != r.Name || all[i+1].Namespace != r.Namespace
		if newest && opts.keeps(r.Info.Status) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *memStore) ListHeads(ctx context.Context, opts ListOptions) ([]Head, error) {
	rs, err := s.List(ctx, opts)
	out := make([]Head, 0, len(rs))
	for _, r := range rs {
		out = append(out, Head{Name: r.Name, Namespace: r.Namespace, Version: r.Version, Status: r.Info.Status})
	}
	return out, err
}

// memCluster is an in-memory Applier: objects are kept by key, applied
// with Kube's ownership rules, and every object is ready at once unless
// named in unready or annotated mem/unready: "true". Hooks named in
// failHooks fail.
type memCluster struct {
	mu        sync.Mutex
	objects   map[string]*unstructured.Unstructured
	unready   map[string]bool
	failHooks map[string]bool
	hookRuns  []string
	// applies and deletes are the options of every Apply and Delete, in
	// order, so tests see what the plans asked for.
	applies []ApplyOptions
	deletes []DeleteOptions
	// onWait, if set, runs at the start of each Wait (a concurrent actor).
	onWait func()
	// blockWait makes Wait last until its context ends, as a rollout that
	// never becomes ready does.
	blockWait bool
}

func newMemCluster() *memCluster {
	return &memCluster{objects: map[string]*unstructured.Unstructured{}, unready: map[string]bool{}, failHooks: map[string]bool{}}
}

var clusterScoped = map[string]bool{"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true, "CustomResourceDefinition": true}

func (c *memCluster) Build(ms []Manifest, namespace string) ([]*Object, error) {
	out := make([]*Object, 0, len(ms))
	for _, m := range ms {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(m.Content), &u.Object); err != nil {
			return nil, fmt.Errorf("%s: %w", m.Source, err)
		}
		if u.GetKind() == "" {
			return nil, fmt.Errorf("%s: Object 'Kind' is missing", m.Source)
		}
		scope := meta.RESTScopeNamespace
		if clusterScoped[u.GetKind()] {
			scope = meta.RESTScopeRoot
			u.SetNamespace("")
		} else if u.GetNamespace() == "" {
			u.SetNamespace(namespace)
		}
		gvk := u.GroupVersionKind()
		mapping := &meta.RESTMapping{Resource: gvk.GroupVersion().WithResource(strings.ToLower(gvk.Kind) + "s"), GroupVersionKind: gvk, Scope: scope}
		out = append(out, &Object{Unstructured: u, Source: m.Source, Mapping: mapping})
	}
	return out, nil
}

func (c *memCluster) Apply(_ context.Context, original, target []*Object, opts ApplyOptions) (*ChangeSet, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.applies = append(c.applies, opts)
	cs := &ChangeSet{}
	setOwnership(target, opts.Release, opts.Namespace)
	setOwnership(original, opts.Release, opts.Namespace)
	sortInstall(target)
	orig := map[string]*Object{}
	for _, o := range original {
		orig[o.Key()] = o
	}
	if err := checkAdoption(target, c.objects, orig, opts); err != nil {
		return cs, err
	}
	keep := map[string]bool{}
	for _, o := range target {
		keep[o.Key()] = true
		live := c.objects[o.Key()]
		a := ActionConfigured
		switch {
		case live == nil:
			a = ActionCreated
		case reflect.DeepEqual(live.Object, o.Object):
			a = ActionUnchanged
		}
		if !opts.DryRun {
			c.objects[o.Key()] = o.DeepCopy()
		}
		cs.add(o, a)
		opts.observe(o, a, live, o.Unstructured)
	}
	sortUninstall(original)
	for _, o := range original {
		live := c.objects[o.Key()]
		if keep[o.Key()] || live == nil {
			continue
		}
		if spares(live, opts) {
			cs.add(o, ActionSkipped)
			continue
		}
		if !opts.DryRun {
			delete(c.objects, o.Key())
		}
		cs.add(o, ActionDeleted)
	}
	return cs, nil
}

func (c *memCluster) Delete(_ context.Context, objs []*Object, opts DeleteOptions) (*ChangeSet, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deletes = append(c.deletes, opts)
	cs := &ChangeSet{}
	sortUninstall(objs)
	for _, o := range objs {
		live := c.objects[o.Key()]
		ann := map[string]string{}
		if live != nil {
			ann = live.GetAnnotations()
		}
		foreign := opts.Release != "" && (ann[releaseNameAnnotation] != "" && ann[releaseNameAnnotation] != opts.Release ||
			ann[releaseNSAnnotation] != "" && ann[releaseNSAnnotation] != opts.Namespace)
		if opts.OwnedOnly && live != nil && (ann[releaseNameAnnotation] != opts.Release || ann[releaseNSAnnotation] != opts.Namespace) {
			foreign = true
		}
		if keeps(o.Unstructured) || foreign {
			cs.add(o, ActionSkipped)
			continue
		}
		if !opts.DryRun {
			delete(c.objects, o.Key())
		}
		cs.add(o, ActionDeleted)
	}
	return cs, nil
}

func (c *memCluster) Wait(ctx context.Context, objs []*Object, _ bool, progress func([]PendingObject)) error {
	if c.onWait != nil {
		c.onWait()
	}
	if c.blockWait {
		<-ctx.Done()
		return waitEnded(ctx)
	}
	c.mu.Lock()
	var pending []PendingObject
	for _, o := range objs {
		if c.unready[o.GetName()] || o.GetAnnotations()["mem/unready"] == "true" {
			pending = append(pending, PendingObject{Object: o.String(), Reason: "never ready"})
		}
	}
	c.mu.Unlock()
	if progress != nil {
		progress(pending)
	}
	if len(pending) > 0 {
		return fmt.Errorf("%w: %d objects not ready: %s", ErrWaitTimeout, len(pending), pending[0].Object)
	}
	return nil
}

func (c *memCluster) WaitDeleted(context.Context, []*Object) error { return nil }

func (c *memCluster) InstallCRDs(context.Context, []Manifest) (*ChangeSet, error) {
	return &ChangeSet{}, nil
}

func (c *memCluster) CreateNamespace(context.Context, string) error { return nil }

func (c *memCluster) RunHook(_ context.Context, o *Object) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hookRuns = append(c.hookRuns, o.GetName())
	if c.failHooks[o.GetName()] {
		return fmt.Errorf("job %s failed: BackoffLimitExceeded", o.GetName())
	}
	return nil
}

func (c *memCluster) DeleteHook(context.Context, *Object) error { return nil }

// get returns the object of kind and name in namespace ns ("" for
// cluster-scoped ones), or nil.
func (c *memCluster) get(group, kind, ns, name string) *unstructured.Unstructured {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range c.objects {
		if u.GroupVersionKind().Group == group && u.GetKind() == kind && u.GetNamespace() == ns && u.GetName() == name {
			return u
		}
	}
	return nil
}
