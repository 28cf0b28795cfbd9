package graphql

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// This file coerces input values, variables from JSON and literals from the document, to the plain
// Go values resolvers get (see Resolver), following the spec's CoerceVariableValues and
// CoerceArgumentValues. Messages follow graphql-js, which Twenty's server runs.
//
// gqlparser's validator.VariableValues is not used: it accepts 1.5 and "7" for Int, matches enum
// values case-insensitively, leaves numbers as float64 whatever the type, ignores input field
// defaults, and writes into the caller's variables.

// inputError is a value that does not fit its input type, at path below the variable.
type inputError struct {
	path  []any
	value any // the offending value
	msg   string
}

// coerceVariables coerces raw, the request's variables, to the variable definitions of op.
func (s *Schema) coerceVariables(op *ast.OperationDefinition, raw map[string]any) (map[string]any, []*Error) {
	if len(op.VariableDefinitions) == 0 {
		return nil, nil
	}
	vars := make(map[string]any, len(op.VariableDefinitions))
	var errs []*Error
	for _, def := range op.VariableDefinitions {
		v, ok := raw[def.Variable]
		var msg string
		switch {
		case !ok && def.DefaultValue != nil:
			cv, _, err := s.coerceLiteral(def.DefaultValue, def.Type, nil)
			if err != nil {
				msg = fmt.Sprintf("Variable \"$%s\" has an invalid default value: %s", def.Variable, err.msg)
				break
			}
			vars[def.Variable] = cv
		case !ok && def.Type.NonNull:
			msg = fmt.Sprintf("Variable \"$%s\" of required type \"%s\" was not provided.", def.Variable, def.Type)
		case !ok:
		case v == nil && def.Type.NonNull:
			msg = fmt.Sprintf("Variable \"$%s\" of non-null type \"%s\" must not be null.", def.Variable, def.Type)
		default:
			cv, err := s.coerceInput(v, def.Type)
			if err != nil {
				at := ""
				if len(err.path) > 0 {
					at = fmt.Sprintf(" at \"%s%s\"", def.Variable, formatPath(err.path))
				}
				msg = fmt.Sprintf("Variable \"$%s\" got invalid value %s%s; %s", def.Variable, inspect(err.value), at, err.msg)
				break
			}
			vars[def.Variable] = cv
		}
		if msg != "" {
			e := NewError(CodeBadUserInput, msg)
			if def.Position != nil {
				e.Locations = []Location{{Line: def.Position.Line, Column: def.Position.Column}}
			}
			errs = append(errs, e)
		}
	}
	return vars, errs
}

// coerceInput coerces v, decoded from JSON, to typ.
func (s *Schema) coerceInput(v any, typ *ast.Type) (any, *inputError) {
	out, err := s.coerceInputValue(v, typ)
	if err != nil && err.path == nil {
		err.value = v
	}
	return out, err
}

func (s *Schema) coerceInputValue(v any, typ *ast.Type) (any, *inputError) {
	if v == nil {
		if typ.NonNull {
			return nil, &inputError{msg: fmt.Sprintf("Expected non-nullable type \"%s\" not to be null.", typ)}
		}
		return nil, nil
	}
	if typ.Elem != nil {
		items, ok := v.([]any)
		if !ok {
			item, err := s.coerceInput(v, typ.Elem)
			if err != nil {
				return nil, err
			}
			return []any{item}, nil
		}
		out := make([]any, len(items))
		for i, item := range items {
			cv, err := s.coerceInput(item, typ.Elem)
			if err != nil {
				err.path = append([]any{i}, err.path...)
				return nil, err
			}
			out[i] = cv
		}
		return out, nil
	}
	def := s.schema.Types[typ.NamedType]
	if def == nil {
		return nil, &inputError{msg: fmt.Sprintf("Unknown type \"%s\".", typ.NamedType)}
	}
	switch def.Kind {
	case ast.Scalar:
		cv, msg := coerceScalarInput(def.Name, v)
		if msg != "" {
			return nil, &inputError{msg: msg}
		}
		return cv, nil
	case ast.Enum:
		str, ok := v.(string)
		if !ok {
			return nil, &inputError{msg: fmt.Sprintf("Enum \"%s\" cannot represent non-string value: %s.", def.Name, inspect(v))}
		}
		if def.EnumValues.ForName(str) == nil {
			return nil, &inputError{msg: fmt.Sprintf("Value %s does not exist in \"%s\" enum.", inspect(v), def.Name)}
		}
		return str, nil
	case ast.InputObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, &inputError{msg: fmt.Sprintf("Expected type \"%s\" to be an object.", def.Name)}
		}
		out := make(map[string]any, len(def.Fields))
		given := 0
		for _, f := range def.Fields {
			fv, ok := obj[f.Name]
			if !ok {
				switch {
				case f.DefaultValue != nil:
					cv, _, err := s.coerceLiteral(f.DefaultValue, f.Type, nil)
					if err != nil {
						return nil, err
					}
					out[f.Name] = cv
				case f.Type.NonNull:
					return nil, &inputError{msg: fmt.Sprintf("Field \"%s\" of required type \"%s\" was not provided.", f.Name, f.Type)}
				}
				continue
			}
			given++
			cv, err := s.coerceInput(fv, f.Type)
			if err != nil {
				err.path = append([]any{f.Name}, err.path...)
				return nil, err
			}
			out[f.Name] = cv
		}
		if given < len(obj) {
			for k := range obj {
				if def.Fields.ForName(k) == nil {
					return nil, &inputError{msg: fmt.Sprintf("Field \"%s\" is not defined by type \"%s\".", k, def.Name)}
				}
			}
		}
		return out, nil
	}
	return nil, &inputError{msg: fmt.Sprintf("\"%s\" is not an input type.", def.Name)}
}

// coerceScalarInput coerces a JSON value to a built-in scalar; custom scalars pass unchanged. msg
// is set when v does not fit.
func coerceScalarInput(scalar string, v any) (_ any, msg string) {
	switch scalar {
	case "Int":
		f, ok := number(v)
		switch {
		case !ok || f != math.Trunc(f) || math.IsInf(f, 0):
			return nil, "Int cannot represent non-integer value: " + inspect(v)
		case f < math.MinInt32 || f > math.MaxInt32:
			return nil, "Int cannot represent non 32-bit signed integer value: " + inspect(v)
		}
		return int64(f), ""
	case "Float":
		f, ok := number(v)
		if !ok || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, "Float cannot represent non numeric value: " + inspect(v)
		}
		return f, ""
	case "String":
		if s, ok := v.(string); ok {
			return s, ""
		}
		return nil, "String cannot represent a non string value: " + inspect(v)
	case "Boolean":
		if b, ok := v.(bool); ok {
			return b, ""
		}
		return nil, "Boolean cannot represent a non boolean value: " + inspect(v)
	case "ID":
		if s, ok := v.(string); ok {
			return s, ""
		}
		if f, ok := number(v); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return strconv.FormatInt(int64(f), 10), ""
		}
		return nil, "ID cannot represent value: " + inspect(v)
	}
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i, ""
		}
		f, _ := n.Float64()
		return f, ""
	}
	return v, ""
}

// number returns v as a float64 if it is a number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case float32:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// coerceLiteral coerces a value written in the document to typ, substituting vars (already
// coerced). present is false when v is a variable with no value, so the caller can fall back to a
// default. Validation has checked literals against their types, so errors are rare: a variable
// that is null where a non-null value is needed.
func (s *Schema) coerceLiteral(v *ast.Value, typ *ast.Type, vars map[string]any) (_ any, present bool, _ *inputError) {
	if v.Kind == ast.Variable {
		val, ok := vars[v.Raw]
		if !ok {
			return nil, false, nil
		}
		if val == nil && typ.NonNull {
			return nil, true, &inputError{msg: fmt.Sprintf("Variable \"$%s\" is null where non-null type \"%s\" is expected.", v.Raw, typ)}
		}
		return val, true, nil
	}
	if v.Kind == ast.NullValue {
		if typ.NonNull {
			return nil, true, &inputError{msg: fmt.Sprintf("Expected value of non-null type \"%s\", found null.", typ)}
		}
		return nil, true, nil
	}
	if typ.Elem != nil {
		if v.Kind != ast.ListValue {
			item, _, err := s.coerceLiteral(v, typ.Elem, vars)
			if err != nil {
				return nil, true, err
			}
			return []any{item}, true, nil
		}
		out := make([]any, len(v.Children))
		for i, c := range v.Children {
			item, _, err := s.coerceLiteral(c.Value, typ.Elem, vars)
			if err != nil {
				return nil, true, err
			}
			out[i] = item
		}
		return out, true, nil
	}
	def := s.schema.Types[typ.NamedType]
	switch {
	case def == nil:
		return nil, true, &inputError{msg: fmt.Sprintf("Unknown type \"%s\".", typ.NamedType)}
	case def.Kind == ast.InputObject:
		if v.Kind != ast.ObjectValue {
			return nil, true, &inputError{msg: fmt.Sprintf("Expected value of type \"%s\", found %s.", def.Name, v)}
		}
		out := make(map[string]any, len(def.Fields))
		for _, f := range def.Fields {
			if c := v.Children.ForName(f.Name); c != nil {
				cv, present, err := s.coerceLiteral(c, f.Type, vars)
				if err != nil {
					return nil, true, err
				}
				if present {
					out[f.Name] = cv
					continue
				}
			}
			switch {
			case f.DefaultValue != nil:
				cv, _, err := s.coerceLiteral(f.DefaultValue, f.Type, nil)
				if err != nil {
					return nil, true, err
				}
				out[f.Name] = cv
			case f.Type.NonNull:
				return nil, true, &inputError{msg: fmt.Sprintf("Field \"%s.%s\" of required type \"%s\" was not provided.", def.Name, f.Name, f.Type)}
			}
		}
		return out, true, nil
	case def.Kind == ast.Scalar && (def.Name == "Float" && v.Kind == ast.IntValue):
		f, err := strconv.ParseFloat(v.Raw, 64)
		if err != nil {
			return nil, true, &inputError{msg: "Float cannot represent non numeric value: " + v.String()}
		}
		return f, true, nil
	case def.Kind == ast.Scalar && def.Name == "ID" && v.Kind == ast.IntValue:
		return v.Raw, true, nil
	}
	// Enums and the remaining scalars: validation checked the kind, so take the literal's own value.
	// Custom scalars take any literal, including lists and objects, with variables inside.
	cv, err := literalValue(v, vars)
	if err != nil {
		return nil, true, &inputError{msg: err.Error()}
	}
	return cv, true, nil
}

// literalValue returns the Go value of a literal of no particular type.
func literalValue(v *ast.Value, vars map[string]any) (any, error) {
	switch v.Kind {
	case ast.Variable:
		return vars[v.Raw], nil
	case ast.IntValue:
		i, err := strconv.ParseInt(v.Raw, 10, 64)
		if err != nil {
			// Too large for int64: only custom scalars get here, validation rejects it for Int.
			return strconv.ParseFloat(v.Raw, 64)
		}
		return i, nil
	case ast.FloatValue:
		return strconv.ParseFloat(v.Raw, 64)
	case ast.StringValue, ast.BlockValue, ast.EnumValue:
		return v.Raw, nil
	case ast.BooleanValue:
		return v.Raw == "true", nil
	case ast.NullValue:
		return nil, nil
	case ast.ListValue:
		out := make([]any, len(v.Children))
		for i, c := range v.Children {
			cv, err := literalValue(c.Value, vars)
			if err != nil {
				return nil, err
			}
			out[i] = cv
		}
		return out, nil
	case ast.ObjectValue:
		out := make(map[string]any, len(v.Children))
		for _, c := range v.Children {
			cv, err := literalValue(c.Value, vars)
			if err != nil {
				return nil, err
			}
			out[c.Name] = cv
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown value kind %d", v.Kind)
}

// coerceArguments returns the arguments of a field or directive: given ones coerced, missing ones
// defaulted.
func (s *Schema) coerceArguments(defs ast.ArgumentDefinitionList, args ast.ArgumentList, vars map[string]any) (map[string]any, *inputError) {
	if len(defs) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(defs))
	for _, def := range defs {
		if a := args.ForName(def.Name); a != nil {
			v, present, err := s.coerceLiteral(a.Value, def.Type, vars)
			if err != nil {
				err.msg = fmt.Sprintf("Argument \"%s\" has invalid value %s: %s", def.Name, a.Value, err.msg)
				return nil, err
			}
			if present {
				out[def.Name] = v
				continue
			}
		}
		switch {
		case def.DefaultValue != nil:
			v, _, err := s.coerceLiteral(def.DefaultValue, def.Type, nil)
			if err != nil {
				return nil, err
			}
			out[def.Name] = v
		case def.Type.NonNull:
			return nil, &inputError{msg: fmt.Sprintf("Argument \"%s\" of required type \"%s\" was not provided.", def.Name, def.Type)}
		}
	}
	return out, nil
}

// inspect formats a JSON value for a message, like graphql-js's inspect: strings quoted, long
// values cut.
func inspect(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// formatPath formats a path below a variable: ".name" for fields, "[0]" for list items.
func formatPath(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case string:
			b.WriteString(".")
			b.WriteString(p)
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		}
	}
	return b.String()
}
