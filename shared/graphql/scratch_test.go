package graphql

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestScratch(t *testing.T) {
	s, _ := newTestSchema(t)
	rep := func(s string, n int) string { return strings.Repeat(s, n) }
	var vars strings.Builder
	for i := range 6000 {
		fmt.Fprintf(&vars, "$v%d:Int,", i)
	}
	var ops strings.Builder
	for i := range 4000 {
		fmt.Fprintf(&ops, "query Q%d{__typename}", i)
	}
	var difargs, frags, fragdefs2 strings.Builder
	for i := range 1999 {
		fmt.Fprintf(&difargs, "x: workspaces(first: %d) { id } ", i)
	}
	for i := range 999 {
		fmt.Fprintf(&frags, "...F%d ", i)
		fmt.Fprintf(&fragdefs2, "fragment F%d on User { x: name } ", i)
	}
	var manykeys, fr2, fr2defs, fr3 strings.Builder
	for k := range 40 {
		for range 49 {
			fmt.Fprintf(&manykeys, "k%d:name ", k)
		}
	}
	for f := range 48 {
		fmt.Fprintf(&fr2, "...F%d ", f)
		fmt.Fprintf(&fr2defs, "fragment F%d on User {", f)
		for k := range 40 {
			fmt.Fprintf(&fr2defs, " k%d:name", k)
		}
		fr2defs.WriteString("}\n")
	}
	for f := range 48 {
		fmt.Fprintf(&fr3, "f%d: friends { ...G } ", f)
	}
	cases := map[string]string{
		"manykeys":   "{currentUser{" + manykeys.String() + "}}",
		"fragkeys":   "{currentUser{" + fr2.String() + "}} " + fr2defs.String(),
		"nestedfr":   "{currentUser{" + fr3.String() + "}} fragment G on User { " + rep("friends { id name email role } ", 1) + fr2.String() + "}" + fr2defs.String(),
		"fields":     "{" + rep("a ", 50000) + "}",
		"nesting":    rep("{currentUser", 10000) + rep("}", 10000),
		"spreads":    "{currentUser{" + rep("...F ", 20000) + "}} fragment F on User {id}",
		"list":       "{echo(list:[" + rep("1,", 45000) + "])}",
		"nestedlist": "{echo(j:" + rep("[", 45000) + rep("]", 45000) + ")}",
		"vars":       "query(" + vars.String() + "){__typename}",
		"directives": "{__typename" + rep(" @skip(if:false)", 6000) + "}",
		"objects":    "{echo(j:{" + rep("a:1,", 20000) + "})}",
		"strings":    `{echo(s:"` + rep(`\u0041`, 16000) + `")}`,
		"args":       "{echo(" + rep("s:1 ", 20000) + ")}",
		"inline":     "{" + rep("...on Query{", 8000) + rep("}", 8000) + "}",
		"fragdefs":   "{__typename}" + rep("fragment F on Query{__typename}", 1900),
	}
	for name, q := range cases {
		start := time.Now()
		resp := s.Execute(context.Background(), Request{Query: q})
		msg := ""
		if len(resp.Errors) > 0 {
			msg = resp.Errors[0].Message
			if len(msg) > 80 {
				msg = msg[:80]
			}
		}
		fmt.Printf("%-12s %6d bytes %10v %d errs %s\n", name, len(q), time.Since(start), len(resp.Errors), msg)
	}
}
