package deployer

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

// Object is one manifest document made ready to apply.
type Object struct {
	*unstructured.Unstructured
	Source  string
	Mapping *meta.RESTMapping
}

// Key identifies an object across revisions: group/kind/namespace/name.
func (o *Object) Key() string { return objectKey(o.GroupVersionKind(), o.GetNamespace(), o.GetName()) }

func objectKey(gvk schema.GroupVersionKind, ns, name string) string {
	return fmt.Sprintf("%s/%s/%s/%s", gvk.Group, gvk.Kind, ns, name)
}

// String names the object the way errors and events show it.
func (o *Object) String() string {
	if o.GetNamespace() == "" {
		return fmt.Sprintf("%s %q", o.GetKind(), o.GetName())
	}
	return fmt.Sprintf("%s %q in namespace %q", o.GetKind(), o.GetName(), o.GetNamespace())
}

func (k *Kube) resource(o *Object) dynamic.ResourceInterface {
	r := k.Dynamic.Resource(o.Mapping.Resource)
	if o.Mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		return r.Namespace(o.GetNamespace())
	}
	return r
}

// Build parses documents into objects: each gets its REST mapping from
// discovery and, when namespaced, the release namespace if it names none.
// Documents are validated strictly against the built-in types so that a
// bad manifest fails before anything is applied.
func (k *Kube) Build(ms []Manifest, namespace string) ([]*Object, error) {
	out := make([]*Object, 0, len(ms))
	for _, m := range ms {
		if !hasObject(m) {
			continue
		}
		o, err := k.buildOne(m, namespace)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func (k *Kube) buildOne(m Manifest, namespace string) (*Object, error) {
	js, err := yaml.YAMLToJSON([]byte(m.Content))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Source, err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(js); err != nil {
		return nil, fmt.Errorf("%s: %w", m.Source, err)
	}
	gvk := u.GroupVersionKind()
	mapping, err := k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("%s: resource mapping not found for name: %q namespace: %q: no matches for kind %q in version %q\nensure CRDs are installed first",
			m.Source, u.GetName(), u.GetNamespace(), gvk.Kind, gvk.GroupVersion())
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		if u.GetNamespace() == "" {
			u.SetNamespace(namespace)
		}
	} else {
		u.SetNamespace("")
	}
	if k.SkipSchemaValidation {
		return &Object{Unstructured: u, Source: m.Source, Mapping: mapping}, nil
	}
	if err := k.validate(gvk, js); err != nil {
		return nil, fmt.Errorf("%s: %s %q: %w", m.Source, gvk.Kind, u.GetName(), err)
	}
	return &Object{Unstructured: u, Source: m.Source, Mapping: mapping}, nil
}

func unstructuredString(obj map[string]any, fields ...string) (string, bool, error) {
	return unstructured.NestedString(obj, fields...)
}
