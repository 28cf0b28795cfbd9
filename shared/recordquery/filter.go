package recordquery

import (
	"fmt"
	"strings"
)

// Op is a filter comparator, spelled as in Twenty's REST filters and GraphQL filter inputs.
type Op string

// The comparators of Twenty's REST filter grammar, in Twenty's order (FilterComparators in
// packages/twenty-server/src/engine/api/rest/input-request-parsers/filter-parser-utils/
// parse-base-filter.util.ts).
const (
	Eq          Op = "eq"
	Neq         Op = "neq"
	In          Op = "in"
	ContainsAny Op = "containsAny"
	Is          Op = "is"
	Gt          Op = "gt"
	Gte         Op = "gte"
	Lt          Op = "lt"
	Lte         Op = "lte"
	StartsWith  Op = "startsWith"
	EndsWith    Op = "endsWith"
	Like        Op = "like"
	ILike       Op = "ilike"
)

var ops = []Op{Eq, Neq, In, ContainsAny, Is, Gt, Gte, Lt, Lte, StartsWith, EndsWith, Like, ILike}

// Ops returns every comparator in Twenty's order, the order of its error messages.
func Ops() []Op { return append([]Op(nil), ops...) }

// Valid reports whether o is one of the comparators.
func (o Op) Valid() bool {
	for _, v := range ops {
		if o == v {
			return true
		}
	}
	return false
}

// TakesList reports whether o compares against a list of values (in, containsAny).
func (o Op) TakesList() bool { return o == In || o == ContainsAny }

// MaxFilterDepth bounds the nesting of and/or/not nodes on any path of a filter tree. Twenty has
// no such bound; it keeps parsing and validation cheap and the stack shallow.
const MaxFilterDepth = 32

// ErrFilterTooDeep is the error for a filter nested deeper than MaxFilterDepth.
var ErrFilterTooDeep = fmt.Errorf("recordquery: filter nested deeper than %d", MaxFilterDepth)

// Filter is a node of a filter tree: exactly one of a conjunction (And, Or), a negation (Not) or
// a condition (Field, Op, Value).
//
// A node is an And when And is non-nil, an Or when Or is non-nil, a Not when Not is non-nil and a
// condition when Op is set. And and Or hold at least one child when they come from REST; GraphQL
// may send an empty list, which matches everything.
type Filter struct {
	And []*Filter
	Or  []*Filter
	Not *Filter

	// Field is the field the condition tests, as the client wrote it: "city", or a dotted
	// path into a composite field, "name.firstName". It is not checked here.
	Field string
	// Op is the comparator.
	Op Op
	// Value is the operand.
	Value Value
}

// Value is a filter operand as the client wrote it, typed later against field metadata.
//
// For in and containsAny, List holds the elements (never nil) and Raw the whole written list.
// For is, Raw is the operand verbatim and Null or NotNull says which of NULL and NOT_NULL it is;
// any other operand leaves both false and the engine answers MsgInvalidIsValue. For the other
// comparators Raw is the operand with one pair of surrounding quotes removed, as Twenty does.
//
// GraphQL producers put a literal's text in Raw: a string with Quoted set, a number or boolean as
// written.
type Value struct {
	// Raw is the operand's text.
	Raw string
	// Quoted reports that the operand was written between quotes (single or double), which
	// are not part of Raw.
	Quoted bool
	// List holds the elements of a list operand.
	List []Value
	// Null reports an is operand of NULL.
	Null bool
	// NotNull reports an is operand of NOT_NULL.
	NotNull bool
}

// MsgInvalidIsValue is Twenty's message for an is operand other than NULL and NOT_NULL, raised
// when the engine types the filter (validate-is-operator-filter-value-or-throw.util.ts in
// packages/twenty-server/src/engine/api/common/common-args-processors/filter-arg-processor/).
// REST answers it as a 400.
const MsgInvalidIsValue = `Invalid filter value for "is" operator. Expected "NULL" or "NOT_NULL"`

// IsValue returns the Value of an is operand written as raw, flagging NULL and NOT_NULL.
func IsValue(raw string) Value {
	return Value{Raw: raw, Null: raw == "NULL", NotNull: raw == "NOT_NULL"}
}

// Validate checks the shape of the tree rooted at f: each node is exactly one kind, children are
// non-nil, comparators are known, list comparators have a list operand and others do not, and
// nesting stays within MaxFilterDepth. It does not check field names, value types or is operands
// (see MsgInvalidIsValue), which need metadata or carry Twenty's own messages.
func (f *Filter) Validate() error {
	return f.validate(0)
}

func (f *Filter) validate(depth int) error {
	if f == nil {
		return fmt.Errorf("recordquery: nil filter node")
	}
	kinds := 0
	for _, b := range []bool{f.And != nil, f.Or != nil, f.Not != nil, f.Op != ""} {
		if b {
			kinds++
		}
	}
	if kinds != 1 {
		return fmt.Errorf("recordquery: filter node must be exactly one of and, or, not or a condition")
	}
	if f.Op != "" {
		if !f.Op.Valid() {
			return fmt.Errorf("recordquery: filter on %q: unknown comparator %q", f.Field, f.Op)
		}
		if f.Op.TakesList() != (f.Value.List != nil) {
			if f.Op.TakesList() {
				return fmt.Errorf("recordquery: filter on %q: %s needs a list", f.Field, f.Op)
			}
			return fmt.Errorf("recordquery: filter on %q: %s takes no list", f.Field, f.Op)
		}
		return nil
	}
	if depth >= MaxFilterDepth {
		return ErrFilterTooDeep
	}
	if f.Not != nil {
		return f.Not.validate(depth + 1)
	}
	children := f.And
	if f.Or != nil {
		children = f.Or
	}
	for _, c := range children {
		if err := c.validate(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

// MentionsDeletedAt reports whether the tree rooted at f tests deletedAt anywhere, at the top
// level or as a sub-field of a dotted path. Soft-deleted records are hidden unless it does, as in
// Twenty (checkForDeletedAtFilter in graphql-query.parser.ts), so filtering on deletedAt is how
// a client lists deleted records. Twenty looks at the filter it finally applies, including the
// cursor's conditions, so the engine also calls this on its cursor filter when it builds one.
func MentionsDeletedAt(f *Filter) bool {
	if f == nil {
		return false
	}
	if f.Op != "" {
		for _, seg := range strings.Split(f.Field, ".") {
			if seg == "deletedAt" {
				return true
			}
		}
		return false
	}
	if MentionsDeletedAt(f.Not) {
		return true
	}
	for _, c := range f.And {
		if MentionsDeletedAt(c) {
			return true
		}
	}
	for _, c := range f.Or {
		if MentionsDeletedAt(c) {
			return true
		}
	}
	return false
}
