package deployer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/jsonmergepatch"
	"k8s.io/apimachinery/pkg/util/mergepatch"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// threeWayPatch computes the patch that moves the live object to the target:
// fields the chart set are restored (live drift is corrected), fields the
// previous revision set and this one dropped are removed, and fields only
// the cluster set are left alone. Built-in kinds get a strategic merge patch;
// custom resources a three-way JSON merge patch (Helm uses a two-way patch
// there and so never corrects drift on CRs).
// original is nil when the object is new to the release.
func (k *Kube) threeWayPatch(original, target *Object, live *unstructured.Unstructured) ([]byte, types.PatchType, error) {
	origJS := []byte("{}")
	if original != nil {
		b, err := json.Marshal(original.Object)
		if err != nil {
			return nil, "", err
		}
		origJS = b
	}
	modJS, err := json.Marshal(target.Object)
	if err != nil {
		return nil, "", err
	}
	curJS, err := json.Marshal(live.Object)
	if err != nil {
		return nil, "", err
	}
	gvk := target.GroupVersionKind()
	if origJS, err = k.normalize(gvk, origJS); err != nil {
		return nil, "", err
	}
	if modJS, err = k.normalize(gvk, modJS); err != nil {
		return nil, "", err
	}
	if typed, err := k.scheme.New(gvk); err == nil {
		meta, err := strategicpatch.NewPatchMetaFromStruct(typed)
		if err != nil {
			return nil, "", err
		}
		p, err := strategicpatch.CreateThreeWayMergePatch(origJS, modJS, curJS, meta, true)
		if err != nil {
			return nil, "", fmt.Errorf("strategic merge patch: %w", err)
		}
		if p, err = dropDirectiveOnly(p); err != nil || emptyPatch(p) {
			return p, types.StrategicMergePatchType, err
		}
		if bytes.Equal(origJS, modJS) {
			patched, err := strategicpatch.StrategicMergePatch(curJS, p, typed)
			if err == nil && onlyDefaultsDiffer(patched, curJS) {
				return []byte("{}"), types.StrategicMergePatchType, nil
			}
		}
		return p, types.StrategicMergePatchType, nil
	}
	p, err := jsonmergepatch.CreateThreeWayJSONMergePatch(origJS, modJS, curJS,
		mergepatch.RequireKeyUnchanged("apiVersion"), mergepatch.RequireKeyUnchanged("kind"),
		mergepatch.RequireMetadataKeyUnchanged("name"))
	if err != nil {
		return nil, "", fmt.Errorf("JSON merge patch: %w", err)
	}
	return p, types.MergePatchType, nil
}

func emptyPatch(p []byte) bool {
	s := string(p)
	return s == "" || s == "{}" || s == "null"
}

// normalize passes a built-in object through its Go type, as the API server
// does before storing it: fields a chart sets to their zero value
// (hostIPC: false, subPath: "", rollingUpdate: null) are dropped. Without
// this every upgrade would "restore" such fields the server never keeps,
// sending a patch for an unchanged chart (Helm does).
func (k *Kube) normalize(gvk schema.GroupVersionKind, js []byte) ([]byte, error) {
	typed, err := k.scheme.New(gvk)
	if err != nil || string(js) == "{}" {
		return js, nil
	}
	if err := json.Unmarshal(js, typed); err != nil {
		return nil, err
	}
	if sec, ok := typed.(*corev1.Secret); ok {
		foldStringData(sec)
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed)
	if err != nil {
		return nil, err
	}
	unstructured.RemoveNestedField(m, "metadata", "creationTimestamp")
	delete(m, "status") // the server ignores status in patches of the main resource
	return json.Marshal(m)
}

// dropDirectiveOnly removes maps of a strategic merge patch that hold only
// directives ($retainKeys, $setElementOrder/…) and no change: the library
// emits $retainKeys for every Deployment strategy the chart sets, which
// would turn every no-op upgrade into a PATCH that changes nothing.
func dropDirectiveOnly(p []byte) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(p, &m); err != nil {
		return nil, err
	}
	pruneDirectives(m)
	return json.Marshal(m)
}

// pruneDirectives reports whether m held only directives (and clears it).
func pruneDirectives(m map[string]any) bool {
	changes := 0
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok && pruneDirectives(sub) {
			delete(m, k)
			continue
		}
		if k != "$retainKeys" && !strings.HasPrefix(k, "$setElementOrder/") {
			changes++
		}
	}
	if changes == 0 {
		for k := range m {
			delete(m, k)
		}
		return true
	}
	return false
}

// foldStringData moves stringData into data as the API server does on
// write: live Secrets never show stringData, so comparing with it would
// patch every Secret on every upgrade (Helm does).
func foldStringData(sec *corev1.Secret) {
	if len(sec.StringData) == 0 {
		return
	}
	if sec.Data == nil {
		sec.Data = map[string][]byte{}
	}
	for k, v := range sec.StringData {
		sec.Data[k] = []byte(v)
	}
	sec.StringData = nil
}
