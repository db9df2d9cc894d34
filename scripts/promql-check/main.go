// promql-check parses PromQL expressions with Prometheus's own parser (github.com/prometheus/prometheus/promql/parser)
// and exits 1 naming each one that does not parse. Input: a JSON array of strings on stdin. Grafana and Argo Rollouts
// placeholders ($__rate_interval, $var, {{args.x}}) must be substituted by the caller.
//
//	echo '["sum(rate(x[5m]))"]' | promql-check
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/prometheus/prometheus/promql/parser"
)

func main() {
	var exprs []string
	if err := json.NewDecoder(os.Stdin).Decode(&exprs); err != nil {
		fmt.Fprintln(os.Stderr, "promql-check: stdin must be a JSON array of strings:", err)
		os.Exit(2)
	}
	p := parser.NewParser(parser.Options{})
	bad := 0
	for _, e := range exprs {
		if _, err := p.ParseExpr(e); err != nil {
			fmt.Printf("%s\n  %v\n", e, err)
			bad++
		}
	}
	fmt.Printf("%d expressions, %d invalid\n", len(exprs), bad)
	if bad > 0 {
		os.Exit(1)
	}
}
