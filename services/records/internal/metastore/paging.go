package metastore

import (
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/shared/ids"
)

// metaPage is the paging of a metadata list.
type metaPage struct {
	limit         int
	after, before string
}

// metadataPage reads the paging of a list with Twenty's messages
// (api/rest/metadata/utils/parse-metadata-rest-pagination.util.ts): cursors are plain ids.
func metadataPage(req Request) (metaPage, error) {
	p := metaPage{limit: int(req.Limit), after: req.StartingAfter, before: req.EndingBefore}
	if p.after != "" && p.before != "" {
		return metaPage{}, invalid("'starting_after' and 'ending_before' cannot be used together.")
	}
	for _, c := range []*string{&p.after, &p.before} {
		if *c != "" && !ids.IsUUID(*c) {
			return metaPage{}, invalid("Invalid cursor: %s", *c)
		}
		*c = strings.ToLower(*c)
	}
	if p.limit < 0 {
		return metaPage{}, invalid("limit '%d' is invalid. Should be an integer", p.limit)
	}
	if p.limit == 0 || p.limit > metadataMaxLimit {
		p.limit = metadataMaxLimit
	}
	return p, nil
}

// pageByID returns one page of items in Twenty's metadata order, ids descending
// (metadata-modules/pagination/utils/paginate-metadata-query-builder.util.ts): after a cursor the
// smaller ids, before it the greater ones, with Twenty's pageInfo (build-cursor-page.util.ts).
func pageByID[T any](items []T, id func(T) string, p metaPage) ([]T, *PageInfo) {
	sorted := slices.Clone(items)
	backward := p.before != ""
	slices.SortFunc(sorted, func(a, b T) int {
		if backward {
			return strings.Compare(id(a), id(b))
		}
		return strings.Compare(id(b), id(a))
	})
	var window []T
	for _, it := range sorted {
		switch {
		case p.after != "" && id(it) >= p.after:
			continue
		case backward && id(it) <= p.before:
			continue
		}
		window = append(window, it)
		if len(window) > p.limit {
			break
		}
	}
	more := len(window) > p.limit
	if more {
		window = window[:p.limit]
	}
	info := &PageInfo{HasNextPage: more, HasPreviousPage: p.after != ""}
	if backward {
		slices.Reverse(window)
		info.HasNextPage, info.HasPreviousPage = true, more
	}
	if len(window) > 0 {
		info.StartCursor, info.EndCursor = id(window[0]), id(window[len(window)-1])
	}
	return window, info
}
