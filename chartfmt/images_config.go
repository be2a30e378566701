package chartfmt

import (
	"fmt"

	"sigs.k8s.io/yaml"
)

// ImageConfigFile is berth's per-chart settings file, beside Chart.yaml.
const ImageConfigFile = "berth.yaml"

// imageConfig is berth.yaml:
//
//	images:
//	  app: image            # image NAME → values path
//	  worker: worker.image
type imageConfig struct {
	Images map[string]string `json:"images"`
}

// ImageValuePaths reads the image → values path mapping from the chart's
// berth.yaml; a chart without one has an empty mapping.
func ImageValuePaths(ch *Chart) (map[string]string, error) {
	for _, f := range ch.Files {
		if f.Name != ImageConfigFile {
			continue
		}
		var c imageConfig
		if err := yaml.UnmarshalStrict(f.Data, &c); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", ch.Name(), ImageConfigFile, err)
		}
		return c.Images, nil
	}
	return map[string]string{}, nil
}
