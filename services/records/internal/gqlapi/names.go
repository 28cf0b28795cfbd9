package gqlapi

import (
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"strings"
	"unicode"
)

// pascal is Twenty's pascalCase (twenty-shared/utils) for the names it builds types from: a
// camelCase name with its first letter upper-cased (noteTarget → NoteTarget), a SCREAMING_SNAKE
// field type as words (FULL_NAME → FullName, RICH_TEXT_V2 → RichTextV2).
func pascal(s string) string {
	if strings.Contains(s, "_") || (s != "" && s == strings.ToUpper(s)) {
		var b strings.Builder
		for w := range strings.SplitSeq(strings.ToLower(s), "_") {
			b.WriteString(metadata.UpperFirst(w))
		}
		return b.String()
	}
	return metadata.UpperFirst(s)
}

// isName reports whether s is a GraphQL name: /^[_A-Za-z][_0-9A-Za-z]*$/, not starting with "__"
// (reserved for introspection).
func isName(s string) bool {
	if s == "" || strings.HasPrefix(s, "__") {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r < unicode.MaxASCII && unicode.IsLetter(r):
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// isEnumValue reports whether s can be a GraphQL enum value: a name other than true, false and
// null. Twenty's option values are upper-snake and always can; an option that cannot makes its
// field a String instead of an enum.
func isEnumValue(s string) bool {
	return isName(s) && s != "true" && s != "false" && s != "null"
}

// The names of an object's root fields (Twenty's getResolverName, in
// packages/twenty-server/src/engine/utils/get-resolver-name.util.ts).
type rootNames struct {
	findMany, findOne, findDuplicates, groupBy     string
	createMany, createOne, updateOne, updateMany   string
	deleteOne, deleteMany, restoreOne, restoreMany string
	destroyOne, destroyMany, mergeMany             string
}

func namesOf(singular, plural string) rootNames {
	s, p := metadata.UpperFirst(singular), metadata.UpperFirst(plural)
	return rootNames{
		findMany: plural, findOne: singular, findDuplicates: singular + "Duplicates", groupBy: plural + "GroupBy",
		createMany: "create" + p, createOne: "create" + s,
		updateOne: "update" + s, updateMany: "update" + p,
		deleteOne: "delete" + s, deleteMany: "delete" + p,
		restoreOne: "restore" + s, restoreMany: "restore" + p,
		destroyOne: "destroy" + s, destroyMany: "destroy" + p,
		mergeMany: "merge" + p,
	}
}

// all lists the names, the duplicate and merge ones only when withDuplicates.
func (n rootNames) all(withDuplicates bool) []string {
	out := []string{n.findMany, n.findOne, n.groupBy, n.createMany, n.createOne, n.updateOne, n.updateMany,
		n.deleteOne, n.deleteMany, n.restoreOne, n.restoreMany, n.destroyOne, n.destroyMany}
	if withDuplicates {
		out = append(out, n.findDuplicates, n.mergeMany)
	}
	return out
}
