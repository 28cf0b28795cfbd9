package main

import (
	"net/http"
	"strings"
)

// restRoutes dispatches /rest/... in the order Twenty's REST controller matches its routes
// (rest-api-core.controller.ts): batch, duplicates, groupBy, merge and restore before the
// {plural}/{id} routes, so an object may not be called "batch" and a record id is never
// "merge". Path values "plural", "id" and "kind" are set for the handlers. ServeMux patterns
// cannot express this order (/rest/batch/{plural} and /rest/{plural}/duplicates overlap).
func (g *gateway) restRoutes(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/rest"), "/"), "/")
	method := r.Method
	if method == http.MethodPut {
		method = http.MethodPatch // Twenty's undocumented alias
	}
	if method == http.MethodHead {
		method = http.MethodGet
	}
	route := func(h http.HandlerFunc, names ...string) {
		for i, n := range names {
			if n != "" {
				r.SetPathValue(n, parts[i])
			}
		}
		h(w, r)
	}
	if parts[0] == "batch" && len(parts) == 2 && method != http.MethodPost {
		// Twenty's path parser (parse-core-path.utils.ts) reads /rest/batch/{plural} as
		// /rest/{plural} whatever the method.
		parts = parts[1:]
	}
	switch {
	case parts[0] == "":
		badCorePath(w, r)
		return
	case parts[0] == "webhooks" && len(parts) <= 2, parts[0] == "metadata" && len(parts) > 1 && parts[1] == "webhooks" && len(parts) <= 3:
		// Twenty's webhook controller answers on both paths (webhookrest.go); an id follows.
		base := 1 // /rest/webhooks
		if parts[0] == "metadata" {
			base = 2 // /rest/metadata/webhooks
		}
		if len(parts) > base {
			r.SetPathValue("id", parts[base])
		}
		g.restWebhooks(w, r)
		return
	case parts[0] == "metadata" && len(parts) > 1 && parts[1] == "views" && len(parts) <= 3:
		if len(parts) == 3 {
			r.SetPathValue("id", parts[2])
		}
		g.restViews(w, r) // viewrest.go
		return
	case parts[0] == "metadata" && len(parts) == 2:
		route(g.restMetadata, "", "kind")
		return
	case parts[0] == "metadata" && len(parts) == 3:
		route(g.restMetadata, "", "kind", "id")
		return
	case parts[0] == "batch" && len(parts) == 2 && method == http.MethodPost:
		route(g.restCreate(true), "", "plural")
		return
	case len(parts) == 1:
		switch method {
		case http.MethodGet:
			route(g.restFindMany, "plural")
			return
		case http.MethodPost:
			route(g.restCreate(false), "plural")
			return
		case http.MethodPatch:
			route(g.restUpdate, "plural")
			return
		case http.MethodDelete:
			route(g.restDelete, "plural")
			return
		}
	case len(parts) == 2:
		switch {
		case method == http.MethodPost && parts[1] == "duplicates":
			route(g.restDuplicates, "plural")
			return
		case method == http.MethodGet && parts[1] == "groupBy":
			route(g.restGroupBy, "plural")
			return
		case method == http.MethodPatch && parts[1] == "merge":
			route(g.restMerge, "plural")
			return
		case method == http.MethodPatch && parts[1] == "restore":
			route(g.restRestore, "plural")
			return
		case method == http.MethodGet:
			route(g.restFindOne, "plural", "id")
			return
		case method == http.MethodPatch:
			route(g.restUpdate, "plural", "id")
			return
		case method == http.MethodDelete:
			route(g.restDelete, "plural", "id")
			return
		}
	case len(parts) == 3 && method == http.MethodPatch && parts[2] == "restore":
		route(g.restRestore, "plural", "id")
		return
	case len(parts) > 2 && parts[0] != "metadata" && parts[0] != "open-api":
		badCorePath(w, r)
		return
	}
	notFound(w, r)
}

// badCorePath answers Twenty's 400 for a record path of no route (parse-core-path.utils.ts).
func badCorePath(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusBadRequest, "", "Query path '"+r.URL.Path+"' invalid. Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies")
}
