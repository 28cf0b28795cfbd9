package openapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"maps"
	"slices"
	"strings"
	"sync"
)

// The fixed parts of the documents are JSON templates: as text they cost a fraction of the wasm
// that the same map literals compile to. {{singular}}, {{Singular}}, {{plural}} and {{Plural}}
// stand for an object's names, capitalized or not; {{action}} for a webhook's event.
var (
	//go:embed templates/paths.json
	pathsTemplate string
	//go:embed templates/webhook.json
	webhookTemplate string
	//go:embed templates/parameters.json
	parametersTemplate string
	//go:embed templates/responses.json
	responsesTemplate string
	//go:embed templates/metadata-paths.json
	metadataPathsTemplate string
	//go:embed templates/metadata-schemas.json
	metadataSchemasTemplate string
)

// compiledTemplates holds each template compiled once, by the template's text.
var compiledTemplates sync.Map

// node is a compiled part of a template. A part without placeholders is kept as parsed and
// shared by every instance; the others are rebuilt with their placeholders replaced.
type node struct {
	isStatic bool
	static   any      // the part as parsed, when it holds no placeholder
	text     string   // a string with placeholders
	keys     []string // an object's keys (with placeholders or not)
	kids     []*node  // an object's values or an array's items
	array    bool
}

// compile parses template tpl once. The templates are part of the program and the tests parse
// every one, so a template that does not parse is a bug: it panics.
func compile(tpl string) *node {
	if n, ok := compiledTemplates.Load(tpl); ok {
		return n.(*node)
	}
	var t any
	if err := json.Unmarshal([]byte(tpl), &t); err != nil {
		panic(fmt.Sprintf("openapi: template: %v", err))
	}
	n := compileNode(t)
	compiledTemplates.Store(tpl, n)
	return n
}

func compileNode(v any) *node {
	switch v := v.(type) {
	case obj:
		n := &node{}
		dynamic := false
		for _, k := range slices.Sorted(maps.Keys(v)) {
			kid := compileNode(v[k])
			n.keys, n.kids = append(n.keys, k), append(n.kids, kid)
			dynamic = dynamic || !kid.isStatic || strings.Contains(k, "{{")
		}
		if !dynamic {
			return &node{isStatic: true, static: v}
		}
		return n
	case arr:
		n := &node{array: true}
		dynamic := false
		for _, e := range v {
			kid := compileNode(e)
			n.kids = append(n.kids, kid)
			dynamic = dynamic || !kid.isStatic
		}
		if !dynamic {
			return &node{isStatic: true, static: v}
		}
		return n
	case string:
		if strings.Contains(v, "{{") {
			return &node{text: v}
		}
	}
	return &node{isStatic: true, static: v}
}

// instance builds the part n stands for, placeholders replaced by r.
func (n *node) instance(r *strings.Replacer) any {
	switch {
	case n.isStatic:
		return n.static
	case n.array:
		out := make(arr, len(n.kids))
		for i, k := range n.kids {
			out[i] = k.instance(r)
		}
		return out
	case n.keys != nil:
		out := make(obj, len(n.keys))
		for i, k := range n.keys {
			out[r.Replace(k)] = n.kids[i].instance(r)
		}
		return out
	}
	return r.Replace(n.text)
}

// placeholders returns the replacer of vars, placeholder names and values in pairs.
func placeholders(vars []string) *strings.Replacer {
	pairs := make([]string, 0, len(vars))
	for i := 0; i+1 < len(vars); i += 2 {
		pairs = append(pairs, "{{"+vars[i]+"}}", vars[i+1])
	}
	return strings.NewReplacer(pairs...)
}

// shared returns template tpl with its placeholders replaced in keys and strings. The parts of
// the template without placeholders are shared between calls: the caller must not change what
// it gets, except through copies (maps.Clone, cloneAlong).
func shared(tpl string, vars ...string) obj {
	return compile(tpl).instance(placeholders(vars)).(obj)
}

// names are the placeholders of an object's names.
func names(singular, plural string) []string {
	return []string{"singular", singular, "Singular", metadata.UpperFirst(singular), "plural", plural, "Plural", metadata.UpperFirst(plural)}
}
