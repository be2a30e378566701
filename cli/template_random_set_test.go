package cli

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// TestRandomSetStringsMatchHelm feeds random strings over the --set
// grammar's alphabet (names, '.', '=', ',', '[', ']', '{', '}', '\',
// digits, null/true) to --set, --set-string, --set-json and --set-literal
// and compares the parsed values (or the error) with Helm's. Seeds are fixed.
func TestRandomSetStringsMatchHelm(t *testing.T) {
	probe := filepath.Join(renderTestdata, "probe")
	tokens := []string{"a", "b", "keep", "nested", ".", ".", "=", "=", ",", "[", "]", "[0]", "[1]", "{", "}", `\`, "0", "1", "07", "null", "true", " ", "\"", ":"}
	flags := []string{"--set", "--set-string", "--set-json", "--set-literal"}
	var cases []oracleCase
	for seed := range 120 {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		var sb strings.Builder
		for range r.IntN(10) + 1 {
			sb.WriteString(tokens[r.IntN(len(tokens))])
		}
		flag := flags[seed%len(flags)]
		cases = append(cases, oracleCase{
			name: fmt.Sprintf("%s-%03d", flag[2:], seed),
			args: append(commonFlags(flag, sb.String()), "rel", probe),
		})
	}
	runOracleCases(t, cases)
}
