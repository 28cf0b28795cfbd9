package recordquery

// Direction is a sort direction with its placement of nulls, Twenty's OrderByDirection.
type Direction string

// The directions, in Twenty's order (OrderByDirection in packages/twenty-shared/src/types/).
const (
	AscNullsFirst  Direction = "AscNullsFirst"
	AscNullsLast   Direction = "AscNullsLast"
	DescNullsFirst Direction = "DescNullsFirst"
	DescNullsLast  Direction = "DescNullsLast"
)

// DefaultDirection is the direction of an order_by item written without one.
const DefaultDirection = AscNullsFirst

var directions = []Direction{AscNullsFirst, AscNullsLast, DescNullsFirst, DescNullsLast}

// Directions returns every direction in Twenty's order, the order of its error messages.
func Directions() []Direction { return append([]Direction(nil), directions...) }

// Valid reports whether d is one of the directions.
func (d Direction) Valid() bool {
	for _, v := range directions {
		if d == v {
			return true
		}
	}
	return false
}

// Ascending reports whether d sorts smallest first.
func (d Direction) Ascending() bool { return d == AscNullsFirst || d == AscNullsLast }

// NullsFirst reports whether d puts nulls before other values.
func (d Direction) NullsFirst() bool { return d == AscNullsFirst || d == DescNullsFirst }

// Order is one sort key.
type Order struct {
	// Field is the field to sort by, as the client wrote it: "position", or a dotted path into
	// a composite field, "name.firstName". Sorting by a composite field's root
	// ("name") is an error the engine reports, since it needs metadata.
	Field string
	// Direction is the direction.
	Direction Direction
}
