package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pump is a request that grows: grown k times it is prefix, k copies of open, middle, k copies of
// close and suffix. "%d" in open and close stands for the copy's number (open's count up, close's
// down, so that nested copies pair up), to make copies differ: aliases, fragment names. A fuzz
// target takes the five parts, so the fuzzer varies what grows as well as what surrounds it.
type pump struct{ prefix, open, middle, close, suffix string }

func (p pump) grow(k int) string {
	var b strings.Builder
	b.WriteString(p.prefix)
	for i := range k {
		b.WriteString(strings.ReplaceAll(p.open, "%d", strconv.Itoa(i)))
	}
	b.WriteString(p.middle)
	for i := range k {
		b.WriteString(strings.ReplaceAll(p.close, "%d", strconv.Itoa(k-1-i)))
	}
	b.WriteString(p.suffix)
	return b.String()
}

func (p pump) add(f *testing.F) { f.Add(p.prefix, p.open, p.middle, p.close, p.suffix) }

// Bounds of checkCost. Time is bounded loosely, so that a loaded machine never fails it; the
// bytes allocated, which do not depend on the load, closely.
const (
	costTimeBase    = 50 * time.Millisecond
	costTimePerByte = 20 * time.Microsecond
	// costGrowth is how much the bytes allocated per byte of request may grow while the request
	// grows four times (two doublings) and gets the same kind of answer.
	costGrowth = 2
	// costSlackPerByte and costSlack absorb the small variations of allocations (size classes,
	// pools emptied by a collection).
	costSlackPerByte = 8
	costSlack        = 4 << 10
)

// costPoint is one size of a grown request and what a run of it cost: bytes allocated and time,
// each the least of two runs (see measure).
type costPoint struct {
	k, size int
	bytes   uint64
	time    time.Duration
	answer  string
}

func (p costPoint) String() string {
	return fmt.Sprintf("k=%d: %d bytes, %d bytes allocated (%.0f/byte) in %v, answer %q",
		p.k, p.size, p.bytes, float64(p.bytes)/float64(max(p.size, 1)), p.time, p.answer)
}

// checkCost bounds the cost per byte of a request that grows: it runs grow(k) for k = 1 and then
// 12, 24, 48… while the request stays within maxSize bytes (multiples of 12, so that a construct
// that needs 2, 3 or 4 copies to close is closed at every size). check looks at each result and
// names the kind of answer it is (the path the request took: executed, refused by which rule).
// checkCost fails when a run takes longer than costTimeBase plus costTimePerByte a byte, and when,
// among sizes that got the same answer, the bytes allocated per byte added since the smallest of
// them grew more than costGrowth times over two doublings: the mark of a cost that is quadratic
// in the size (about 3 times), where a linear one keeps its rate (1, give or take the steps of
// size classes and slice growth).
func checkCost[R any](t *testing.T, grow func(k int) string, maxSize int, run func(req string) R, check func(req string, r R) string) {
	t.Helper()
	var points []costPoint
	slow := false
	for k := 1; !slow; k = max(12, 2*k) {
		req := grow(k)
		if len(req) > maxSize && k > 1 || len(points) > 0 && len(req) == points[len(points)-1].size {
			break
		}
		p := costPoint{k: k, size: len(req)}
		p.bytes, p.time, p.answer = measure(req, run, check)
		points = append(points, p)
		if limit := costTimeBase + time.Duration(len(req))*costTimePerByte; p.time > limit {
			t.Errorf("a request of %d bytes took %v, more than %v:%s\nthe request: %.300q", len(req), p.time, limit, table(points), req)
			slow = true // a larger one would take longer
		}
	}
	// Compare each size's rate with that of the size two doublings smaller, both counted from the
	// smallest size that got the same answer (the rates of runs that took other paths do not
	// compare). The smaller size's rate is at least its bytes per byte: when the request grows
	// by little next to its fixed part, the rate over so few bytes is mostly the steps of size
	// classes and slice growth. points[0] (k=1) is not on the doubling scale.
	base := 1
	for j := 2; j < len(points); j++ {
		if points[j].answer != points[base].answer {
			base = j
			continue
		}
		i := j - 2
		if i <= base {
			continue
		}
		before := max(rate(points[base], points[i]), float64(points[i].bytes)/float64(points[i].size))
		after := rate(points[base], points[j])
		if after > costGrowth*before+costSlackPerByte+costSlack/float64(points[j].size-points[base].size) {
			t.Errorf("the bytes allocated per byte of request grew from %.0f to %.0f over two doublings:%s\nthe largest request: %.300q",
				before, after, table(points[base:j+1]), grow(points[j].k))
			return
		}
	}
}

func table(points []costPoint) string {
	var b strings.Builder
	for _, p := range points {
		fmt.Fprintf(&b, "\n\t%v", p)
	}
	return b.String()
}

// rate is the bytes allocated per byte added from a to b.
func rate(a, b costPoint) float64 {
	return (float64(b.bytes) - float64(a.bytes)) / float64(b.size-a.size)
}

// measure runs req twice (once when a run costs enough that the variations of a few KiB do not
// matter) and returns the least bytes allocated and time of a run, and check's answer.
// A run that does not end within 10 s fails the process: it hangs.
func measure[R any](req string, run func(string) R, check func(string, R) string) (bytes uint64, elapsed time.Duration, answer string) {
	bytes, elapsed = ^uint64(0), time.Hour
	var before, after runtime.MemStats
	for i := range 2 {
		watchdog := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("a request hangs: %.300q", req)) })
		runtime.ReadMemStats(&before)
		start := time.Now()
		r := run(req)
		d := time.Since(start)
		runtime.ReadMemStats(&after)
		watchdog.Stop()
		bytes, elapsed = min(bytes, after.TotalAlloc-before.TotalAlloc), min(elapsed, d)
		if i == 0 {
			answer = check(req, r)
		}
		if bytes >= 256<<10 || d >= time.Millisecond {
			break
		}
	}
	return bytes, elapsed, answer
}

// answerOf names the kind of answer resp is: whether it has data, its error codes, and the start
// of its first error's message without digits (which count what grew).
func answerOf(resp *Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "data=%t", resp.Data != nil)
	var codes []string
	for _, e := range resp.Errors {
		codes = append(codes, e.Code())
	}
	slices.Sort(codes)
	fmt.Fprintf(&b, " codes=%v", slices.Compact(codes))
	if len(resp.Errors) > 0 {
		fmt.Fprintf(&b, " %.48s", stripDigits(resp.Errors[0].Message))
	}
	return b.String()
}

func stripDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return -1
		}
		return r
	}, s)
}

// checkResponse fails unless resp is a response a client can read: executed or with an error,
// every error with a message and a code, encoding to valid JSON.
func checkResponse(t *testing.T, query string, resp *Response) {
	t.Helper()
	if !resp.executed && len(resp.Errors) == 0 {
		t.Errorf("Execute(%.300q): not executed and no error", query)
	}
	for _, e := range resp.Errors {
		if e.Message == "" || e.Code() == "" {
			t.Errorf("Execute(%.300q): error without message or code: %#v", query, e)
		}
	}
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatalf("Execute(%.300q): json.Marshal: %v", query, err)
	}
	if !json.Valid(b) {
		t.Fatalf("Execute(%.300q): invalid JSON %.300s", query, b)
	}
}

// FuzzExecute runs arbitrary documents, made of five parts that grow (see pump): whatever the
// document, Execute answers with valid JSON and GraphQL errors, never a panic or a hang, and its
// cost per byte stays within checkCost's bounds as the document grows.
func FuzzExecute(f *testing.F) {
	for _, q := range []string{
		`{ me: currentUser { id handle: email name role createdAt settings workspaces(first: 1) { id } friends { id email } } }`,
		`{ node(id: "u1") { __typename id ... on User { email } ...W } } fragment W on Workspace { displayName }`,
		`{ search(text: "a") { __typename ... on User { email } ... on Workspace { displayName memberCount } } }`,
		`query ($s: Boolean!, $i: Boolean = true) { currentUser { id @skip(if: $s) email @include(if: $i) } }`,
		`query ($i: Int, $in: SignUpInput) { echo(i: $i, input: $in, filter: {and: [{limit: 1}], ids: ["a"]}, j: {a: [1, B]}) }`,
		`mutation ($in: SignUpInput!) { signUp(input: $in) { user { id } } a: append(s: "1") failNonNull }`,
		`{ mustUser { id } users { id email } fail failCode panic badRole { role } node(id: "bad") { id } }`,
		`{ currentUser { ...A } } fragment A on User { id ...B } fragment B on User { ...A }`,
		`query A { __typename } query B { __typename }`,
		`subscription { x }`,
		`{ __type(name: "User") { fields(includeDeprecated: true) { name args { name defaultValue } type { kind ofType { name } } } } }`,
		introspectionQuery,
		`{`, `}`, `"`, `""" """`, `{ a(b: [[[[1]]]]) }`, `query ($x: [[Int!]!]) { echo(list: $x) }`, "\xff",
	} {
		pump{prefix: q}.add(f)
	}
	// The shapes that cost more than their size where a rule was quadratic or a limit missing.
	for _, p := range []pump{
		// Values nested inline, one bracket a level (so that 96 levels fit in MaxNesting) and two.
		{"{ echo(filter: ", "{and: ", "{limit: 1}", "}", ") }"},
		{"{ echo(filter: ", "{and: [", "{limit: 1}", "]}", ") }"},
		{"{ echo(j: ", "{a: ", "1", "}", ") }"},
		{"{ echo(list: ", "[", "1", "]", ") }"},
		// Long lists, of scalars, objects and variables.
		{"{ echo(list: [", "%d, ", "0", "", "]) }"},
		{"{ echo(filter: {and: [", "{limit: %d}, ", "{score: 1.5}", "", "]}) }"},
		{"query (", "$v%d: Int = %d ", ") { echo(list: [", "$v%d, ", "]) }"},
		// Many aliases: of one field, of distinct fields, at the root.
		{"{ currentUser { ", "a: id ", "", "", "} }"},
		{"{ currentUser { ", "a%d: email ", "", "", "} }"},
		{"{ ", "a%d: currentUser { id } ", "", "", "}"},
		// Many fragments, spread in one selection; inline fragments nested.
		{"{ currentUser { ", "...F%d ", "} } ", "fragment F%d on User { f%d: email } ", ""},
		// k aliases spreading one fragment of k fields: k×k fields executed.
		{"{ currentUser { ", "a%d: friends { ...F } ", "} } fragment F on User { ", "e%d: id ", "}"},
		{"{ currentUser { ", "...F%d ", "} } ", "fragment F%d on User { id } ", ""},
		{"{ currentUser { ", "... on User { ", "id", " }", " } }"},
		// Selections nested past the depth limit; many operations; many directives.
		{"{ currentUser { ", "friends { ", "id", " }", " } }"},
		{"", "query Q%d { __typename } ", "", "", ""},
		{"{ currentUser { id ", "@include(if: true) ", "", "", "} }"},
		// Long strings, block strings, escapes and comments.
		{`{ echo(s: "`, "x", "", "", `") }`},
		{`{ echo(s: """`, "x", "", "", `""") }`},
		{`{ echo(s: "`, `\u00e9\n`, "", "", `") }`},
		{"{ ", "# comment\n", "__typename", "", " }"},
		// Many arguments: repeated, unknown.
		{"{ echo(", `s: "x" `, "", "", ") }"},
		{"{ echo(", "a%d: 1 ", "", "", ") }"},
	} {
		p.add(f)
	}
	s, st := newTestSchema(f)
	u, ust := newTestSchema(f, WithCacheSize(0)) // every run parses and validates: what checkCost measures
	vars := map[string]any{"s": true, "i": 3.0, "id": "u1", "in": map[string]any{"email": "e", "password": "p"}, "x": []any{1.0}}
	f.Fuzz(func(t *testing.T, prefix, open, middle, close, suffix string) {
		p := pump{prefix, open, middle, close, suffix}
		query := p.grow(1)
		for range 2 { // the second time from the cache
			st.reset()
			checkResponse(t, query, s.Execute(context.Background(), Request{Query: query, Variables: vars}))
		}
		checkCost(t, p.grow, 16<<10,
			func(query string) *Response {
				ust.reset()
				return u.Execute(context.Background(), Request{Query: query, Variables: vars})
			},
			func(query string, resp *Response) string {
				checkResponse(t, query, resp)
				return answerOf(resp)
			})
	})
}

// reset forgets what append appended, so that a request's cost does not depend on the ones before.
func (st *testState) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.log = nil
}

// FuzzServeHTTP posts arbitrary bodies, made of five parts that grow (see pump): whatever the
// body, ServeHTTP answers a status it documents with a GraphQL JSON body, never a panic or a
// hang, and its cost per byte stays within checkCost's bounds as the body grows.
func FuzzServeHTTP(f *testing.F) {
	for _, b := range []string{
		`{"query": "query Q($id: UUID!) { node(id: $id) { id } }", "operationName": "Q", "variables": {"id": "u1"}}`,
		`{"query": "mutation { failNonNull a: append(s: \"x\") }"}`,
		`{"query": "query ($in: SignUpInput, $l: [Int!]) { echo(input: $in, list: $l) }", "variables": {"in": {"email": "e", "password": "p", "tags": ["a"]}, "l": [1, 2]}}`,
		`{"query": "{ nope }"}`, `{"query": "{"}`, `{"query": `, `{"query": "{ __typename }", "variables": "x"}`, `{}`, `[]`, `null`,
		`{"query": "{ __typename }", "variables": {"a": "\u0000"}}`, "{\"query\": \"{ echo(s: \\\"\x00\\\") }\"}",
	} {
		pump{prefix: b}.add(f)
	}
	for _, p := range []pump{
		// Variables nested: input objects, lists, a JSON scalar; past MaxNesting too.
		{`{"query": "query ($f: FilterInput) { echo(filter: $f) }", "variables": {"f": `, `{"and": [`, `{"limit": 1}`, `]}`, `}}`},
		{`{"query": "query ($f: FilterInput) { echo(filter: $f) }", "variables": {"f": `, `{"and": `, `{"limit": 1}`, `}`, `}}`},
		{`{"query": "query ($j: JSON) { echo(j: $j) }", "variables": {"j": `, `{"a": `, `1`, `}`, `}}`},
		{`{"query": "query ($j: JSON) { echo(j: $j) }", "variables": {"j": `, `[`, ``, `]`, `}}`},
		// Values nested inline, in the document inside the JSON.
		{`{"query": "{ echo(filter: `, `{and: `, `{limit: 1}`, `}`, `) }"}`},
		{`{"query": "{ echo(filter: `, `{and: [`, `{limit: 1}`, `]}`, `) }"}`},
		// Long lists and many variables.
		{`{"query": "query ($l: [Int!]) { echo(list: $l) }", "variables": {"l": [`, `%d, `, `0`, ``, `]}}`},
		{`{"query": "query ($f: FilterInput) { echo(filter: $f) }", "variables": {"f": {"and": [`, `{"limit": %d}, `, `{"score": 1.5}`, ``, `]}}}`},
		{`{"query": "query (`, `$v%d: Int `, `) { echo(i: $v0) }", "variables": {`, `"v%d": %d, `, `"x": 0}}`},
		// Many aliases, fragments; long strings, escaped in JSON and in GraphQL.
		{`{"query": "{ `, `a%d: __typename `, ``, ``, `}"}`},
		{`{"query": "{ currentUser { `, `...F%d `, `} } `, `fragment F%d on User { id } `, `"}`},
		{`{"query": "{ echo(s: \"`, `\\u00e9`, ``, ``, `\") }"}`},
		{`{"query": "{ echo(s: \"`, `\u00e9`, ``, ``, `\") }"}`},
		{`{"query": "query ($s: String) { echo(s: $s) }", "variables": {"s": "`, `x\"\\`, ``, ``, `"}}`},
		// A long operation name, keys repeated, white space.
		{`{"query": "query Q { __typename }", "operationName": "`, `Q`, `"}`, ``, ``},
		{`{"query": "{ __typename }", "variables": {`, `"a": 1, `, `"b": 2`, ``, `}}`},
		{`{"query": "{ __typename }"`, ` `, `}`, ``, ``},
	} {
		p.add(f)
	}
	s, st := newTestSchema(f, WithCacheSize(0)) // every run parses and validates: what checkCost measures
	f.Fuzz(func(t *testing.T, prefix, open, middle, close, suffix string) {
		p := pump{prefix, open, middle, close, suffix}
		checkCost(t, p.grow, 16<<10,
			func(body string) *httptest.ResponseRecorder {
				st.reset()
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				return rec
			},
			func(body string, rec *httptest.ResponseRecorder) string {
				return checkHTTPResponse(t, body, rec)
			})
	})
}

// checkHTTPResponse fails unless rec is an answer ServeHTTP documents for a POST in JSON: 200,
// 400 or 413, with a GraphQL JSON body whose every error has a message and a code. It names
// the kind of answer: the status, the error codes and the start of the first message.
func checkHTTPResponse(t *testing.T, body string, rec *httptest.ResponseRecorder) string {
	t.Helper()
	switch rec.Code {
	case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
	default:
		t.Errorf("POST %.300q: status %d", body, rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("POST %.300q: Content-Type %q", body, ct)
	}
	var resp struct {
		Data   *json.RawMessage `json:"data"`
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("POST %.300q: body %.300q is not a GraphQL response: %v", body, rec.Body.Bytes(), err)
	}
	if rec.Code != http.StatusOK && len(resp.Errors) == 0 {
		t.Errorf("POST %.300q: status %d without an error", body, rec.Code)
	}
	codes := []string{}
	for _, e := range resp.Errors {
		if e.Message == "" || e.Extensions.Code == "" {
			t.Errorf("POST %.300q: error without message or code: %+v", body, e)
		}
		codes = append(codes, e.Extensions.Code)
	}
	slices.Sort(codes)
	answer := fmt.Sprintf("%d data=%t codes=%v", rec.Code, resp.Data != nil, slices.Compact(codes))
	if len(resp.Errors) > 0 {
		answer += fmt.Sprintf(" %.48s", stripDigits(resp.Errors[0].Message))
	}
	return answer
}

// FuzzVariables coerces arbitrary JSON variables: bad values are BAD_USER_INPUT errors, never a
// panic.
func FuzzVariables(f *testing.F) {
	for _, v := range []string{
		`{"s": "x", "i": 3, "f": 4, "id": 12, "r": "GUEST", "j": {"k": [1, {"z": null}]}, "l": 9}`,
		`{"in": {"email": "e", "password": "p", "tags": ["a", null]}, "f": {"ids": "a", "and": [{"limit": 2, "score": 1}, null]}}`,
		`{"i": 1.5, "in": {"email": 1}, "r": "admin", "f": {"nope": true}, "l": [1, null]}`,
		`{"i": 1e300, "f": "1", "id": true, "in": [], "f": [[[]]]}`,
		`{}`, `null`, `[]`,
	} {
		f.Add(v)
	}
	s, _ := newTestSchema(f)
	const query = `query ($s: String, $i: Int, $f: Float, $id: ID, $r: Role, $j: JSON, $l: [Int!], $in: SignUpInput, $filter: FilterInput) {
		echo(s: $s, i: $i, f: $f, id: $id, role: $r, j: $j, list: $l, input: $in, filter: $filter) }`
	f.Fuzz(func(t *testing.T, vars string) {
		var v map[string]any
		if json.Unmarshal([]byte(vars), &v) != nil {
			return
		}
		resp := s.Execute(context.Background(), Request{Query: query, Variables: v})
		for _, e := range resp.Errors {
			if e.Code() != CodeBadUserInput {
				t.Errorf("Execute with %s: unexpected error %#v", vars, e)
			}
		}
		if _, err := json.Marshal(resp); err != nil {
			t.Fatalf("Execute with %s: json.Marshal: %v", vars, err)
		}
	})
}
