// Command etcd is etcd v3.6.16 built from the Go module proxy: the etcd
// repository's own go.mod has replace directives, so `go install` refuses it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
