// promql-check reads what kube-appstack generates for Prometheus and checks it with Prometheus' own code: "rules" reads
// a rule file (a PrometheusRule's spec) as Prometheus loads it (model/rulefmt: groups, durations, labels, PromQL,
// templates); "exprs" reads a JSON array of PromQL expressions (a dashboard's queries). It prints one problem per line
// and exits 1 when there is any, 2 when it cannot read its input.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "rules" && os.Args[1] != "exprs") {
		fmt.Fprintln(os.Stderr, "usage: promql-check rules|exprs < input")
		os.Exit(2)
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	p := parser.NewParser(parser.Options{})
	var problems []error
	if os.Args[1] == "rules" {
		_, problems = rulefmt.Parse(input, false, model.LegacyValidation, p, slog.New(slog.DiscardHandler))
	} else {
		var exprs []string
		if err := json.Unmarshal(input, &exprs); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, expr := range exprs {
			if _, err := p.ParseExpr(expr); err != nil {
				problems = append(problems, fmt.Errorf("%s: %w", expr, err))
			}
		}
	}
	for _, problem := range problems {
		fmt.Println(problem)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}
