// Command files is the Worker that owns R2 objects, presigned URLs, file tokens and attachment
// metadata.
package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/twentyworkers/twenty/shared/blob"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// newHandler serves the files contract and the public file routes the gateway passes on; dev
// adds the Worker's /__dev/ routes (nil: none).
func newHandler(srv *server, cors corsPolicy, dev http.Handler) http.Handler {
	mux := rpc.ServiceMux(dev)
	mux.Handle(filesv1connect.NewFilesServiceHandler(srv, rpc.HandlerOptions()...))
	srv.fileRoutes(mux, cors)
	return rpc.Middleware(cleanPaths(mux))
}

// sweepRoute is a dev route running the sweep now, with orphans of any age over a second:
// POST /__dev/sweep.
func sweepRoute(mux *http.ServeMux, s *server) {
	mux.HandleFunc("POST /__dev/sweep", func(w http.ResponseWriter, r *http.Request) {
		res, err := s.SweepFiles(r.Context(), &filesv1.SweepFilesRequest{OrphansOlderThanSeconds: 1})
		if err != nil {
			http.Error(w, "sweep failed: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]int64{"expiredPending": res.GetExpiredPending(), "removed": res.GetRemoved(), "orphansRemoved": res.GetOrphansRemoved()})
	})
}

// maxDevObject bounds what the dev object route buffers in memory (the isolate has 128 MB).
const maxDevObject = 32 << 20

// objectRoutes are dev routes to write, read and delete raw objects in the bucket, so the local
// stack's R2 can be exercised from outside: PUT/GET/DELETE /__dev/objects/{key...}.
func objectRoutes(mux *http.ServeMux, store blob.Store) {
	mux.HandleFunc("PUT /__dev/objects/{key...}", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxDevObject+1))
		if err != nil || len(body) > maxDevObject {
			http.Error(w, "body unreadable or too large", http.StatusBadRequest)
			return
		}
		if err := store.Put(r.Context(), r.PathValue("key"), body, r.Header.Get("Content-Type")); err != nil {
			writeBlobError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /__dev/objects/{key...}", func(w http.ResponseWriter, r *http.Request) {
		obj, err := store.Get(r.Context(), r.PathValue("key"))
		if err != nil {
			writeBlobError(w, err)
			return
		}
		if obj.ContentType != "" {
			w.Header().Set("Content-Type", obj.ContentType)
		}
		w.Header().Set("ETag", obj.ETag)
		w.Write(obj.Body)
	})
	mux.HandleFunc("DELETE /__dev/objects/{key...}", func(w http.ResponseWriter, r *http.Request) {
		if err := store.Delete(r.Context(), r.PathValue("key")); err != nil {
			writeBlobError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func writeBlobError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, blob.ErrNotFound):
		http.Error(w, "object not found", http.StatusNotFound)
	case errors.Is(err, blob.ErrInvalidKey):
		http.Error(w, "invalid key", http.StatusBadRequest)
	default:
		http.Error(w, "storage error", http.StatusInternalServerError)
	}
}
