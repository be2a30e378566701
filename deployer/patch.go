package deployer

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
	if typed, err := k.scheme.New(gvk); err == nil {
		meta, err := strategicpatch.NewPatchMetaFromStruct(typed)
		if err != nil {
			return nil, "", err
		}
		p, err := strategicpatch.CreateThreeWayMergePatch(origJS, modJS, curJS, meta, true)
		if err != nil {
			return nil, "", fmt.Errorf("strategic merge patch: %w", err)
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
