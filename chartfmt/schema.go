package chartfmt

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// JSON Schema validation of values, as Helm v3.22.0 does it: each chart's
// values.schema.json is compiled with santhosh-tekuri/jsonschema/v6 under the
// resource id file:///values.schema.json (so `$schema` picks the draft and
// its absence means 2020-12), the root schema sees the whole coalesced tree,
// and each subchart's schema sees its own section. Errors name the chart and
// the value path (the library's "at '/path'" lines).

const schemaResourceID = "file:///values.schema.json"

// ValidateValues checks vals against the schemas of ch and its subcharts.
func ValidateValues(ch *Chart, vals map[string]any, warn func(string, ...any)) error {
	if err := validateSchemaTree(ch, vals, warn); err != nil {
		return fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s", err.Error())
	}
	return nil
}

func validateSchemaTree(ch *Chart, vals map[string]any, warn func(string, ...any)) error {
	var sb strings.Builder
	if ch.Schema != nil {
		if err := validateSchema(vals, ch.Schema, warn); err != nil {
			fmt.Fprintf(&sb, "%s:\n", ch.Name())
			sb.WriteString(err.Error())
		}
	}
	for _, sub := range ch.Dependencies {
		raw, ok := vals[sub.Name()]
		if !ok || raw == nil {
			continue
		}
		subVals, ok := raw.(map[string]any)
		if !ok {
			fmt.Fprintf(&sb, "%s:\ninvalid type for values: expected object (map), got %T\n", sub.Name(), raw)
			continue
		}
		if err := validateSchemaTree(sub, subVals, warn); err != nil {
			sb.WriteString(err.Error())
		}
	}
	if sb.Len() > 0 {
		return errors.New(sb.String())
	}
	return nil
}

func validateSchema(vals map[string]any, schemaJSON []byte, warn func(string, ...any)) (reterr error) {
	defer func() {
		if r := recover(); r != nil {
			reterr = fmt.Errorf("unable to validate schema: %s", r)
		}
	}()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return err
	}
	httpLoader := &schemaHTTPLoader{client: &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{Proxy: http.ProxyFromEnvironment}}}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{
		"file":  jsonschema.FileLoader{},
		"http":  httpLoader,
		"https": httpLoader,
		"urn":   schemaURNLoader{warn: warn},
	})
	if err := c.AddResource(schemaResourceID, doc); err != nil {
		return err
	}
	sch, err := c.Compile(schemaResourceID)
	if err != nil {
		return err
	}
	if vals == nil {
		vals = map[string]any{}
	}
	if err := sch.Validate(map[string]any(vals)); err != nil {
		msg := strings.TrimPrefix(err.Error(), "jsonschema validation failed with '"+schemaResourceID+"#'\n")
		return errors.New(msg + "\n")
	}
	return nil
}

// schemaHTTPLoader fetches remote $refs, as Helm does on every run.
type schemaHTTPLoader struct{ client *http.Client }

func (l *schemaHTTPLoader) Load(url string) (any, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("failed to create HTTP request for %s: %w", url, err)
	}
	req.Header.Set("User-Agent", "Helm/"+strings.TrimPrefix(HelmVersion, "v"))
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("HTTP request failed for %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP request to %s returned status %d (%s)", url, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return jsonschema.UnmarshalJSON(resp.Body)
}

// schemaURNLoader resolves no URN: Helm then warns and uses a permissive
// schema.
type schemaURNLoader struct{ warn func(string, ...any) }

func (l schemaURNLoader) Load(url string) (any, error) {
	warnf(l.warn, "WARNING: unresolved URN reference ignored; using permissive schema: %s", url)
	return true, nil
}
