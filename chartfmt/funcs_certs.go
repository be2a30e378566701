package chartfmt

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"reflect"
	"strings"
	"text/template"
)

// RSA key generation dominates the render time of charts that call sprig's
// genCA / genSignedCert / genSelfSignedCert (bitnami nginx with TLS: two
// 2048-bit keys, most of Helm's run time). Their output is random, so the
// keys can be made ahead of use: when the templates name these functions, a
// background goroutine per expected call generates keys while templates
// parse, and the functions take them from the pool. The certificates are
// then built by sprig's own *WithKey variants, as sprig's functions do
// internally, so the output has exactly the same shape.
//
// Keys are only made ahead once a certificate function actually runs
// (charts often hold these calls in disabled branches): the first call made
// while a template file executes starts keys in the background for the
// file's other call sites, so a CA and the certificate it signs get their
// keys in parallel.

var certFuncs = []string{"genCA", "genSignedCert", "genSelfSignedCert"}

// rsaKeyPool hands out 2048-bit RSA keys. One render executes templates on
// one goroutine, so it needs no lock.
type rsaKeyPool struct {
	current func() string // text of the template file executing now
	file    string        // file the background keys were started for
	pending int
	ready   chan *rsa.PrivateKey
}

func newRSAKeyPool(current func() string) *rsaKeyPool {
	return &rsaKeyPool{current: current, ready: make(chan *rsa.PrivateKey, 64)}
}

func certCallSites(text string) int {
	n := 0
	for _, f := range certFuncs {
		n += strings.Count(text, f+" ")
	}
	return n
}

// keyPEM returns a fresh key as PKCS#1 PEM, as sprig encodes RSA keys.
func (p *rsaKeyPool) keyPEM() (string, error) {
	var k *rsa.PrivateKey
	if cur := p.current(); cur != p.file {
		// First call in this file: start keys for its other call sites,
		// make this one now.
		p.file = cur
		for range min(certCallSites(cur), 4) - 1 {
			p.pending++
			go func() {
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					k = nil
				}
				p.ready <- k
			}()
		}
	} else if p.pending > 0 {
		p.pending--
		k = <-p.ready
	}
	if k == nil {
		var err error
		if k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return "", err
		}
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})), nil
}

// bindCertFuncs replaces genCA, genSignedCert and genSelfSignedCert in
// funcs with versions that use the pool and sprig's *WithKey functions.
func bindCertFuncs(funcs template.FuncMap, pool *rsaKeyPool) {
	withKey := func(name string) reflect.Value { return reflect.ValueOf(funcs[name+"WithKey"]) }
	caWithKey, signedWithKey, selfWithKey := withKey("genCA"), withKey("genSignedCert"), withKey("genSelfSignedCert")
	call := func(fn reflect.Value, args ...any) (any, error) {
		key, err := pool.keyPEM()
		if err != nil {
			return nil, err
		}
		in := make([]reflect.Value, 0, len(args)+1)
		for i, a := range args {
			if a == nil {
				in = append(in, reflect.Zero(fn.Type().In(i)))
				continue
			}
			in = append(in, reflect.ValueOf(a))
		}
		in = append(in, reflect.ValueOf(key))
		out := fn.Call(in)
		if err, _ := out[1].Interface().(error); err != nil {
			return out[0].Interface(), err
		}
		return out[0].Interface(), nil
	}
	funcs["genCA"] = func(cn string, daysValid int) (any, error) {
		return call(caWithKey, cn, daysValid)
	}
	funcs["genSelfSignedCert"] = func(cn string, ips, alternateDNS []any, daysValid int) (any, error) {
		return call(selfWithKey, cn, ips, alternateDNS, daysValid)
	}
	certType := signedWithKey.Type().In(4)
	funcs["genSignedCert"] = func(cn string, ips, alternateDNS []any, daysValid int, ca any) (any, error) {
		v := reflect.ValueOf(ca)
		if !v.IsValid() || v.Type() != certType {
			return nil, fmt.Errorf("wrong type for value; expected %s; got %T", certType, ca)
		}
		return call(signedWithKey, cn, ips, alternateDNS, daysValid, ca)
	}
}
