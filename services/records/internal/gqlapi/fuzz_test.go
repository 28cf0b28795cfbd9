package gqlapi

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// TestIntrospection checks that the workspace's types answer introspection.
func TestIntrospection(t *testing.T) {
	f := newFixture(t)
	r := f.exec(t, `{ __schema { queryType { name } mutationType { name } }
  __type(name: "Person") { name kind fields { name type { name kind ofType { name } } } } }`, nil)
	var out struct {
		Data struct {
			Schema struct{ QueryType, MutationType struct{ Name string } } `json:"__schema"`
			Type   struct {
				Name, Kind string
				Fields     []struct {
					Name string
					Type struct {
						Name, Kind string
						OfType     *struct{ Name string }
					}
				}
			} `json:"__type"`
		}
	}
	b, _ := r.MarshalJSON()
	if err := json.Unmarshal(b, &out); err != nil || len(r.Errors) > 0 {
		t.Fatalf("introspection = %s (%v)", b, err)
	}
	types := map[string]string{}
	for _, fl := range out.Data.Type.Fields {
		name := fl.Type.Name
		if fl.Type.OfType != nil {
			name = fl.Type.Kind + " " + fl.Type.OfType.Name
		}
		types[fl.Name] = name
	}
	got := map[string]string{"query": out.Data.Schema.QueryType.Name, "mutation": out.Data.Schema.MutationType.Name, "type": out.Data.Type.Name + " " + out.Data.Type.Kind,
		"id": types["id"], "name": types["name"], "companyId": types["companyId"], "company": types["company"], "taskTargets": types["taskTargets"]}
	want := map[string]string{"query": "Query", "mutation": "Mutation", "type": "Person OBJECT",
		"id": "NON_NULL UUID", "name": "FullName", "companyId": "ID", "company": "Company", "taskTargets": "TaskTargetConnection"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("introspection (-want +got):\n%s", diff)
	}
}

// FuzzExecute runs request bodies as the records service gets them from the gateway (checked by
// graphql.CheckJSON, then decoded) against the workspace schema, made of five parts that grow (see
// pump): whatever the body, the answer is a response (errors included), never a panic or a hang,
// and its cost per byte stays within checkCost's bounds as the body grows.
func FuzzExecute(f *testing.F) {
	for _, q := range []string{
		`{ people { edges { node { id name { firstName } company { name people { totalCount } } } } } }`,
		`{ people(filter: {or: [{city: {eq: "x"}}, {not: {id: {in: []}}}]}, orderBy: [{name: {lastName: AscNullsLast}}], first: 3, after: "eyJpZCI6MX0=") { totalCount } }`,
		`{ pets(filter: {tags: {containsAny: [CUTE]}, price: {amountMicros: {gte: 1}}}) { edges { cursor node { tags data } } } }`,
		`{ petsGroupBy(groupBy: [{born: {granularity: WEEK, weekStartDay: SUNDAY, timeZone: "Europe/Paris"}}, {tags: true}], orderBy: [{aggregate: {avgWeight: DescNullsFirst}}], limit: 2) { groupByDimensionValues totalCount avgWeight edges { node { name } } } }`,
		`{ companies { countEmptyName percentageNotEmptyEmployees maxCreatedAt edges { node { people { sumPosition } } } } }`,
		`{ person(filter: {id: {eq: "x"}}) { id } }`,
		`mutation { updatePeople(filter: {}, data: {city: "x"}) { id } }`,
		`mutation { createPet(data: {name: "Z", tags: [OLD], data: {a: [1, 2]}}) { id tags } }`,
		`{ __type(name: "Pet") { fields { name } } }`,
		`{ people(first: -1) { totalCount } }`,
		`query Q($f: PersonFilterInput) { people(filter: $f) { totalCount } }`,
		`{`,
	} {
		body, _ := json.Marshal(graphql.Request{Query: q})
		pump{prefix: string(body)}.add(f)
	}
	// The shapes that cost more than their size where a rule was quadratic or a limit missing.
	for _, p := range []pump{
		// Filters nested inline and in variables: not (one bracket a level), and/or (two).
		{`{"query": "{ people(filter: `, `{not: `, `{city: {eq: \"x\"}}`, `}`, `) { totalCount } }"}`},
		{`{"query": "{ people(filter: `, `{and: [`, `{city: {eq: \"x\"}}`, `]}`, `) { totalCount } }"}`},
		{`{"query": "{ people(filter: `, `{or: [{city: {eq: \"x\"}}, `, `{id: {is: NULL}}`, `]}`, `) { totalCount } }"}`},
		{`{"query": "query ($f: PersonFilterInput) { people(filter: $f) { totalCount } }", "variables": {"f": `, `{"not": `, `{"city": {"eq": "x"}}`, `}`, `}}`},
		{`{"query": "query ($f: PersonFilterInput) { people(filter: $f) { totalCount } }", "variables": {"f": `, `{"and": [`, `{"city": {"eq": "x"}}`, `]}`, `}}`},
		{`{"query": "query ($f: PersonFilterInput) { people(filter: $f) { totalCount } }", "variables": {"f": `, `{"or": [{"city": {"eq": "x"}}, `, `{}`, `]}`, `}}`},
		// Long lists: of conditions, of values, of orderings.
		{`{"query": "{ people(filter: {or: [`, `{city: {eq: \"x%d\"}}, `, `{id: {is: NULL}}`, ``, `]}) { totalCount } }"}`},
		{`{"query": "query ($f: PersonFilterInput) { people(filter: $f) { totalCount } }", "variables": {"f": {"and": [`, `{"city": {"neq": "x%d"}}, `, `{}`, ``, `]}}}`},
		{`{"query": "{ people(filter: {city: {in: [`, `\"x%d\", `, `\"y\"`, ``, `]}}) { totalCount } }"}`},
		{`{"query": "{ people(orderBy: [`, `{city: AscNullsLast}, `, `{position: DescNullsFirst}`, ``, `]) { totalCount } }"}`},
		// Many aliases: at the root, of fields and of relations of a record.
		{`{"query": "{ `, `a%d: people { totalCount } `, ``, ``, `}"}`},
		{`{"query": "{ people { edges { node { `, `a%d: name { firstName } `, ``, ``, `} } } }"}`},
		{`{"query": "{ people { edges { node { `, `a%d: company { name } `, ``, ``, `} } } }"}`},
		// Many fragments; many arguments; long strings.
		{`{"query": "{ people { edges { node { `, `...F%d `, `} } } } `, `fragment F%d on Person { id } `, `"}`},
		{`{"query": "{ people(`, `first: %d, `, ``, ``, `) { totalCount } }"}`},
		{`{"query": "{ people(filter: {city: {eq: \"`, `x`, ``, ``, `\"}}) { totalCount } }"}`},
		{`{"query": "query ($s: String) { people(filter: {city: {like: $s}}) { totalCount } }", "variables": {"s": "`, `%\\_`, ``, ``, `"}}`},
		// Mutations of many records, which change the tables (their costs are not compared).
		{`{"query": "mutation { createPets(data: [`, `{name: \"p%d\"}, `, `{name: \"q\"}`, ``, `]) { id } }"}`},
	} {
		p.add(f)
	}
	fx := newFixture(f)
	// Every run of u parses and validates its document: what checkCost measures.
	u, err := New(objects(), graphql.WithCacheSize(0))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, prefix, open, middle, close, suffix string) {
		p := pump{prefix, open, middle, close, suffix}
		fx := fx
		if strings.Contains(prefix+open+middle+close+suffix, "mutation") {
			fx = newFixture(t) // tables of its own, so that what it writes does not change what others read
		}
		var writes atomic.Int64
		req := Request{DB: fx.db, WorkspaceID: ws, Actor: actor,
			OnChange: func(_ metadata.Object, _ Action, changes []engine.Change) { writes.Add(int64(len(changes))) }}
		body := p.grow(1)
		if r, rejected := decodeBody(body); rejected == nil {
			checkResponse(t, body, fx.schema.Execute(t.Context(), req, r))
		}
		checkCost(t, p.grow, 16<<10,
			func(body string) *graphql.Response {
				r, rejected := decodeBody(body)
				if rejected != nil {
					return rejected
				}
				return u.Execute(t.Context(), req, r)
			},
			func(body string, resp *graphql.Response) string {
				checkResponse(t, body, resp)
				// Records written change what the next run reads: no two sizes compare then.
				return fmt.Sprintf("%s writes=%d", answerOf(resp), writes.Load())
			})
	})
}

// decodeBody reads a request body as the gateway and the records service do: held to
// graphql.CheckJSON, then decoded. A body refused answers the response that refuses it.
func decodeBody(body string) (graphql.Request, *graphql.Response) {
	var r graphql.Request
	if e := graphql.CheckJSON([]byte(body)); e != nil {
		return r, &graphql.Response{Errors: []*graphql.Error{e}}
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return r, &graphql.Response{Errors: []*graphql.Error{graphql.NewError(graphql.CodeBadRequest, "The request body is not a GraphQL request.")}}
	}
	return r, nil
}

// checkResponse fails unless resp is a response: data or an error, every error with a message,
// encoding to JSON.
func checkResponse(t *testing.T, body string, resp *graphql.Response) {
	t.Helper()
	if resp == nil {
		t.Fatalf("nil response for %.300q", body)
	}
	if _, err := resp.MarshalJSON(); err != nil {
		t.Fatalf("response for %.300q does not encode: %v", body, err)
	}
	if resp.Data == nil && len(resp.Errors) == 0 {
		t.Fatalf("no data and no error for %.300q", body)
	}
	if slices.ContainsFunc(resp.Errors, func(e *graphql.Error) bool { return e.Message == "" }) {
		t.Fatalf("an error without a message for %.300q", body)
	}
}

// pump, checkCost and what they need are shared/graphql's fuzz_test.go's, copied: test code is
// not shared between packages.

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
func answerOf(resp *graphql.Response) string {
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
