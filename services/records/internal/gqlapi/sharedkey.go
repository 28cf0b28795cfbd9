package gqlapi

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// sharedKey identifies the SDL objects give without writing it: a SHA-256 of the objects with
// their metadata ids left out. Nothing the SDL is written from reads those ids (the model, the
// aggregate fields, the names), so objects equal but for their ids give the same SDL, and
// anything else that differs gives another key (TestSharedKeyLeavesOutOnlyTheIDs): two
// workspaces share a schema only where the SDL they would write is the same.
func sharedKey(objects []metadata.Object) (string, error) {
	blank := make([]metadata.Object, len(objects))
	for i, o := range objects {
		o.ID, o.LabelIdentifierFieldMetadataID, o.ImageIdentifierFieldMetadataID = "", "", ""
		fields := make([]metadata.Field, len(o.Fields))
		for j, f := range o.Fields {
			f.ID, f.ObjectMetadataID = "", ""
			if f.Relation != nil {
				r := *f.Relation
				r.TargetObjectMetadataID, r.TargetFieldMetadataID = "", ""
				f.Relation = &r
			}
			fields[j] = f
		}
		o.Fields = fields
		blank[i] = o
	}
	h := sha256.New()
	if err := json.NewEncoder(h).Encode(blank); err != nil {
		return "", fmt.Errorf("key of the objects: %w", err)
	}
	return string(h.Sum(nil)), nil
}
