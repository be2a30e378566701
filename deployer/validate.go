package deployer

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
)

// validate decodes a built-in kind strictly: unknown fields, duplicate
// fields and wrong types are errors. Custom kinds are left to the API
// server's own validation.
func (k *Kube) validate(gvk schema.GroupVersionKind, js []byte) error {
	if !k.scheme.Recognizes(gvk) {
		return nil
	}
	s := json.NewSerializerWithOptions(json.DefaultMetaFactory, k.scheme, k.scheme, json.SerializerOptions{Strict: true})
	_, _, err := s.Decode(js, &gvk, nil)
	return err
}
