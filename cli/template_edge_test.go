package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

const renderTestdata = "../chartfmt/testdata/render"

// TestTemplateMatchesHelmEdgeCases renders berth's own edge-case charts
// (chartfmt/testdata/render) with flags and values that exercise every rule
// at least once, against the oracle. What each chart covers is in its
// templates; umbrella holds most: aliases (one chart aliased twice, with the
// v3 nested-alias quirk), an alias ignored for a version mismatch, both
// import-values forms, conditions and tags, globals, null deletes, a library
// subchart, tpl (plain, with defines, nested), include and <no value>,
// lookup, required/fail, hooks (weights, unknown events, tests), CRDs,
// NOTES.txt, multi-document files, kind ordering, .Files, .Capabilities.
func TestTemplateMatchesHelmEdgeCases(t *testing.T) {
	u := filepath.Join(renderTestdata, "umbrella")
	chart := func(name string) string { return filepath.Join(renderTestdata, name) }
	valuesFile := filepath.Join(renderTestdata, "values", "override.yaml")
	valuesFile2 := filepath.Join(renderTestdata, "values", "override2.yaml")
	iniFile := filepath.Join(u, "files", "config.ini")
	c := func(name string, extra []string, positional ...string) oracleCase {
		return oracleCase{name: name, args: append(commonFlags(extra...), positional...)}
	}
	cases := []oracleCase{
		c("umbrella", nil, "rel", u),
		c("umbrella-release-name-default", nil, u),
		{name: "umbrella-default-kube-version", args: []string{"-n", "other", "rel", u}},
		c("include-crds", []string{"--include-crds"}, "rel", u),
		c("skip-tests", []string{"--skip-tests"}, "rel", u),
		c("no-hooks", []string{"--no-hooks"}, "rel", u),
		c("is-upgrade", []string{"--is-upgrade"}, "rel", u),
		c("api-versions", []string{"-a", "example.com/v1", "--api-versions", "policy/v1/PodDisruptionBudget"}, "rel", u),
		c("show-only", []string{"-s", "templates/configmap.yaml"}, "rel", u),
		c("show-only-glob-multi", []string{"--show-only", "charts/*/templates/cm.yaml", "-s", "templates/hooks.yaml", "--include-crds"}, "rel", u),
		c("show-only-missing", []string{"-s", "templates/nope.yaml"}, "rel", u),
		c("condition-off", []string{"--set", "first.enabled=false"}, "rel", u),
		c("condition-fallback", []string{"--set", "first.enabled=maybe,global.firstEnabled=false"}, "rel", u),
		c("tag-off", []string{"--set", "tags.backend=false"}, "rel", u),
		c("tag-on-condition-off", []string{"--set", "tags.extras=true"}, "rel", u),
		c("condition-on", []string{"--set", "opt.enabled=true"}, "rel", u),
		c("null-deletes", []string{"--set", "deleteMe=null,nested.b.c=null,first.removeMe=null,nested.nullInside=x,nullDefault=null,first.keepNull=null"}, "rel", u),
		c("null-global", []string{"--set", "global.region=null,global.image=null"}, "rel", u),
		c("set-lists-escapes", []string{"--set", `list[0]=a,list[3]=d,a.b\.c=1,arr={x,y,z},n=007,z=0,neg=-5,t=TRUE,f=False,e=,nested.b.d[1]=9,objs[1].name=n1,deep[0][1]=x`}, "rel", u),
		c("set-string-json-literal-file", []string{"--set-string", "s=5,b=true", "--set-json", `j={"a":[1,2.5,null],"b":{"c":true}}`, "--set-json", "k=[1,2]", "--set-literal", `lit=a,b\c=d`, "--set-file", "f=" + iniFile}, "rel", u),
		c("set-order", []string{"--set-literal", "o=literal", "--set-file", "o=" + iniFile, "--set-string", "o=string", "--set", "o=set", "--set-json", `o="json"`, "-f", valuesFile}, "rel", u),
		c("values-files", []string{"-f", valuesFile, "--values", valuesFile2}, "rel", u),
		{name: "values-stdin", args: commonFlags("-f", "-", "--set", "fromStdin=overridden", "rel", u), stdin: "fromStdin: yes\nnested:\n  b:\n    c: stdin\n"},
		c("big-ints-set", []string{"--set", "big=1000000,float=2.50,huge=12345678901234567890"}, "rel", u),
		c("required-missing", []string{"--set", "requireIt=true"}, "rel", u),
		c("required-empty", []string{"--set", "requireIt=true,requiredValue="}, "rel", u),
		c("fail", []string{"--set", "mustFail=true"}, "rel", u),
		c("notes-required", []string{"--set", "name="}, "rel", u),
		c("schema-root", []string{"--set", "schemaNum=-1"}, "rel", u),
		c("schema-type", []string{"--set", "name=5"}, "rel", u),
		c("schema-format-draft7", []string{"--set", "email=not-an-email"}, "rel", u),
		c("schema-subchart", []string{"--set", "first.port=70000"}, "rel", u),
		c("skip-schema", []string{"--set", "schemaNum=-1", "--skip-schema-validation"}, "rel", u),
		c("yaml-parse-error", []string{"--set", "badYaml=true"}, "rel", u),
		c("kube-version-incompatible", []string{"--kube-version", "1.10.0"}, "rel", u),
		c("tpl-parse-error", []string{"--set", "tplBad=true", "--set-literal", "tplBadText={{ nope }}"}, "rel", u),
		c("tpl-exec-error", []string{"--set", "tplBad=true", "--set-literal", "tplBadText={{ .Values.name.x }}"}, "rel", u),
		c("tpl-define-exec-error", []string{"--set", "tplBad=true", "--set-literal", `tplBadText={{ define "d" }}{{ .Values.name.x }}{{ end }}{{ include "d" . }}`}, "rel", u),
		c("tpl-required", []string{"--set", "tplBad=true", "--set-literal", `tplBadText={{ required "tpl needs it" .Values.none }}`}, "rel", u),
		c("kube-version-invalid", []string{"--kube-version", "abc"}, "rel", u),
		{name: "flags-after-args", args: []string{"rel", u, "-n", "ns", "--kube-version", "1.37.2", "--set", "first.enabled=false", "-f", valuesFile, "--include-crds", "--skip-tests"}},
		{name: "flags-mixed", args: []string{"-f", valuesFile, "rel", "--is-upgrade", u, "--namespace", "ns2", "-a", "example.com/v1", "--values", valuesFile2, "-s", "templates/configmap.yaml"}},
		c("release-name-invalid", nil, "Bad_Name", u),
		c("release-name-too-long", nil, strings.Repeat("a", 54), u),
		c("name-template", []string{"--name-template", `{{ "Rel" | lower }}-{{ add 1 2 }}`}, u),
		c("name-template-and-name", []string{"--name-template", "x"}, "rel", u),
		c("name-template-bad", []string{"--name-template", "{{ nope }}"}, u),
		c("generate-name-one-arg", []string{"-g"}, u),
		c("generate-name-and-name", []string{"--generate-name"}, "rel", u),
		c("three-args", nil, "rel", u, "extra"),
		c("set-parse-error", []string{"--set", "a[=1"}, "rel", u),
		c("set-json-error", []string{"--set-json", "a={bad"}, "rel", u),
		c("parse-error", nil, "rel", chart("badparse")),
		c("parse-error-duplicated-partial", nil, "rel", chart("dupbroken")),
		c("exec-error", nil, "rel", chart("badexec")),
		c("library-root", nil, "rel", chart("libroot")),
		c("missing-dependency", nil, "rel", chart("missingdep")),
		c("apiv1-requirements", nil, "rel", chart("apiv1")),
		c("apiv1-condition-off", []string{"--set", "child.enabled=false"}, "rel", chart("apiv1")),
	}
	runOracleCases(t, cases)
}
