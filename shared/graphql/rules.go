package graphql

import (
	"errors"
	"math"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// validationRules are gqlparser's rules with ValuesOfCorrectType replaced by valuesOfCorrectType.
func validationRules() *rules.Rules {
	r := rules.NewDefaultRules()
	r.ReplaceRule(rules.ValuesOfCorrectTypeRule.Name, valuesOfCorrectType)
	return r
}

// valuesOfCorrectType is graphql-js's ValuesOfCorrectType rule with its messages. gqlparser's own
// converts every value it visits, lists and objects included, to a Go value, so a value nested n
// deep was converted n times over (quadratic: a filter nested 3,000 deep took seconds). This one
// looks at each value once, converting only leaves. It also holds Int literals to 32 bits as the
// spec and graphql-js do (gqlparser took any 64-bit integer).
func valuesOfCorrectType(observers *core.Events, addError core.AddErrFunc) {
	observers.OnValue(func(_ *core.Walker, value *ast.Value) {
		def, typ := value.Definition, value.ExpectedType
		if def == nil || typ == nil {
			return
		}
		if value.Kind == ast.NullValue {
			if typ.NonNull {
				addError(core.Message(`Expected value of type "%s", found %s.`, typ.String(), value.String()), core.At(value.Position))
			}
			return
		}
		if def.Kind == ast.Scalar && !def.OneOf("Int", "Float", "String", "Boolean", "ID") {
			return // a custom scalar checks its own values
		}
		switch value.Kind {
		case ast.Variable:
		case ast.ListValue:
			if typ.Elem == nil {
				unexpectedType(addError, value)
			}
		case ast.ObjectValue:
			checkObjectValue(addError, value)
		case ast.IntValue:
			switch {
			case !def.OneOf("Int", "Float", "ID"):
				unexpectedType(addError, value)
			case def.Name == "Int":
				if _, err := strconv.ParseInt(value.Raw, 10, 32); err != nil {
					unexpectedType(addError, value)
				}
			case def.Name == "Float":
				if f, err := strconv.ParseFloat(value.Raw, 64); err != nil || math.IsInf(f, 0) {
					unexpectedType(addError, value)
				}
			}
		case ast.FloatValue:
			if f, err := strconv.ParseFloat(value.Raw, 64); !def.OneOf("Float") || err != nil || math.IsInf(f, 0) {
				unexpectedType(addError, value)
			}
		case ast.StringValue, ast.BlockValue:
			switch {
			case def.Kind == ast.Enum:
				addError(core.Message(`Enum "%s" cannot represent non-enum value: %s.`, typ.String(), value.String()),
					core.SuggestListQuoted("Did you mean the enum value", value.Raw, enumNames(def)), core.At(value.Position))
			case !def.OneOf("String", "ID"):
				unexpectedType(addError, value)
			}
		case ast.EnumValue:
			switch {
			case def.Kind != ast.Enum:
				addError(unexpectedTypeMessage(value), core.SuggestListUnquoted("Did you mean the enum value", value.Raw, enumNames(def)), core.At(value.Position))
			case def.EnumValues.ForName(value.Raw) == nil:
				addError(core.Message(`Value "%s" does not exist in "%s" enum.`, value.String(), typ.String()),
					core.SuggestListQuoted("Did you mean the enum value", value.Raw, enumNames(def)), core.At(value.Position))
			}
		case ast.BooleanValue:
			if !def.OneOf("Boolean") {
				unexpectedType(addError, value)
			}
		}
	})
}

// checkObjectValue reports required fields left out, a oneOf input object without exactly one
// non-null field, and fields the input type does not define.
func checkObjectValue(addError core.AddErrFunc, value *ast.Value) {
	def := value.Definition
	if def.Kind != ast.InputObject {
		unexpectedType(addError, value)
		return
	}
	for _, field := range def.Fields {
		if field.Type.NonNull && field.DefaultValue == nil && value.Children.ForName(field.Name) == nil {
			addError(core.Message(`Field "%s.%s" of required type "%s" was not provided.`, def.Name, field.Name, field.Type.String()), core.At(value.Position))
		}
	}
	if def.Directives.ForName("oneOf") != nil {
		switch {
		case len(value.Children) != 1:
			addError(core.Message(`OneOf Input Object "%s" must specify exactly one key.`, def.Name), core.At(value.Position))
		case value.Children[0].Value == nil || value.Children[0].Value.Kind == ast.NullValue:
			addError(core.Message(`Field "%s.%s" must be non-null.`, def.Name, value.Children[0].Name), core.At(value.Position))
		}
	}
	for _, child := range value.Children {
		if def.Fields.ForName(child.Name) == nil {
			names := make([]string, len(def.Fields))
			for i, f := range def.Fields {
				names[i] = f.Name
			}
			addError(core.Message(`Field "%s" is not defined by type "%s".`, child.Name, def.Name),
				core.SuggestListQuoted("Did you mean", child.Name, names), core.At(child.Position))
		}
	}
}

func enumNames(def *ast.Definition) []string {
	if def.Kind != ast.Enum {
		return nil
	}
	names := make([]string, len(def.EnumValues))
	for i, v := range def.EnumValues {
		names[i] = v.Name
	}
	return names
}

func unexpectedType(addError core.AddErrFunc, value *ast.Value) {
	addError(unexpectedTypeMessage(value), core.At(value.Position))
}

// unexpectedTypeMessage is graphql-js's message for a literal its type cannot represent.
func unexpectedTypeMessage(v *ast.Value) core.ErrorOption {
	switch v.ExpectedType.String() {
	case "Int", "Int!":
		if _, err := strconv.ParseInt(v.Raw, 10, 32); v.Kind == ast.IntValue && errors.Is(err, strconv.ErrRange) {
			return core.Message(`Int cannot represent non 32-bit signed integer value: %s`, v.String())
		}
		return core.Message(`Int cannot represent non-integer value: %s`, v.String())
	case "String", "String!", "[String]":
		return core.Message(`String cannot represent a non string value: %s`, v.String())
	case "Boolean", "Boolean!":
		return core.Message(`Boolean cannot represent a non boolean value: %s`, v.String())
	case "Float", "Float!":
		return core.Message(`Float cannot represent non numeric value: %s`, v.String())
	case "ID", "ID!":
		return core.Message(`ID cannot represent a non-string and non-integer value: %s`, v.String())
	}
	if v.Definition.Kind == ast.Enum {
		return core.Message(`Enum "%s" cannot represent non-enum value: %s.`, v.ExpectedType.String(), v.String())
	}
	return core.Message(`Expected value of type "%s", found %s.`, v.ExpectedType.String(), v.String())
}
