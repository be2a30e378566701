package cli

import (
	"fmt"
	"path/filepath"
	"testing"
)

// setParserInputs are --set family inputs whose parse results (or errors)
// must equal Helm's; the probe chart prints the values with their types.
var setParserInputs = map[string][]string{
	"--set": {
		"a=b", "a=b,c=d", "a.b.c=d", `a\.b=c`, `a=b\,c`, `a=b\=c`, "a=", "a", "a=b,", "a,b=c",
		"a={}", "a={b,c}", "a={b,c},d=e", "a={b", "a={ b , c }", "a[0]=x", "a[2]=x", "a[0]=x,a[1]=y",
		"a[0].b=c,a[0].d=e", "a[0][1]=z", "a[-1]=x", "a[b]=x", "a[0]x=1", "a[70000]=x", "a.b=1,a=2",
		"a=1,a.b=2", "a=1,a[0]=2", "a[0]=1,a.b=2", "nested.list[3]=x", "nested.map.b=2",
		"i=10", "i=-10", "i=007", "i=0", "i=00", "i=1e3", "i=1.5", "i=9223372036854775808",
		"b=true", "b=FALSE", "b=yes", "n=null", "n=NULL", "keep=null", "nested.map=null",
		"u=ünï,cödé", `e=\`, `e=a\\b`, "x==y", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd=1",
		"a.=1", ".a=1", "a..b=1", "=1", "a[=1", "a]=1", " a = b ",
	},
	"--set-string": {"a=1", "a=true", "a=null", "a={1,2}", "a[1]=007", "a=b,c=1"},
	"--set-json": {
		`a={"b":[1,2.5,null,"x"]}`, "a=1", "a=1.0", `a="s"`, "a=null", "a=", "a=[1,2],b=true",
		`a[1]={"x":1}`, "a={bad", "a=1 2", `a.b={"c":{}}`, " a=1",
	},
	"--set-literal": {"a=b,c=d", `a=\n{x}`, "a.b=c=d", "a[1]=x,y", "a", "a=", "a.b[0].c=1,2"},
}

func TestSetParsersMatchHelm(t *testing.T) {
	probe := filepath.Join(renderTestdata, "probe")
	var cases []oracleCase
	for flag, inputs := range setParserInputs {
		for i, in := range inputs {
			cases = append(cases, oracleCase{
				name: fmt.Sprintf("%s-%02d", flag[2:], i),
				args: append(commonFlags(flag, in), "rel", probe),
			})
		}
	}
	runOracleCases(t, cases)
}
