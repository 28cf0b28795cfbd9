package main

import "net/http"

// Routes being built: each moves to its own file when it is.

func (g *gateway) restDuplicates(w http.ResponseWriter, r *http.Request) { notFound(w, r) }
func (g *gateway) restGroupBy(w http.ResponseWriter, r *http.Request)    { notFound(w, r) }
func (g *gateway) restMerge(w http.ResponseWriter, r *http.Request)      { notFound(w, r) }
