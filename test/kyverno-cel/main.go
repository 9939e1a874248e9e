// Evaluates the CEL expressions of the in-cluster guard (the validations of the Kyverno
// ValidatingPolicies, the same as the ValidatingAdmissionPolicies') against admission requests,
// with cel-go, the CEL implementation Kyverno and the Kubernetes API server use. Variables are
// declared dynamic, as for a kind without a schema: `object`, `oldObject` and `request`. Used by
// test/kyverno-cel.test.ts.
//
//	go run . < {"expressions":[...],"cases":[{"object":...,"oldObject":...,"request":...}]}  > [[true|false|"error: ..."]]
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
)

type input struct {
	Expressions []string                 `json:"expressions"`
	Cases       []map[string]interface{} `json:"cases"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	env, err := cel.NewEnv(
		cel.Variable("object", cel.DynType),
		cel.Variable("oldObject", cel.DynType),
		cel.Variable("request", cel.DynType),
		ext.Strings(),
	)
	if err != nil {
		panic(err)
	}
	programs := make([]cel.Program, len(in.Expressions))
	compileErrs := make([]string, len(in.Expressions))
	for i, e := range in.Expressions {
		ast, iss := env.Compile(e)
		if iss.Err() != nil {
			compileErrs[i] = iss.Err().Error()
			continue
		}
		if ast.OutputType() != cel.BoolType && ast.OutputType() != cel.DynType {
			compileErrs[i] = fmt.Sprintf("expression returns %s, not bool", ast.OutputType())
			continue
		}
		p, err := env.Program(ast)
		if err != nil {
			compileErrs[i] = err.Error()
			continue
		}
		programs[i] = p
	}
	out := make([][]interface{}, 0, len(in.Cases))
	for _, c := range in.Cases {
		vars := map[string]interface{}{"object": c["object"], "oldObject": c["oldObject"], "request": c["request"]}
		row := make([]interface{}, len(in.Expressions))
		for i, p := range programs {
			if p == nil {
				row[i] = "error: " + compileErrs[i]
				continue
			}
			v, _, err := p.Eval(vars)
			if err != nil {
				row[i] = "error: " + err.Error()
				continue
			}
			b, ok := v.Value().(bool)
			if !ok {
				row[i] = fmt.Sprintf("error: not a bool: %v", v.Value())
				continue
			}
			row[i] = b
		}
		out = append(out, row)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
