package main

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

func TestFindMany(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws, other := h.workspace(t), h.workspace(t)
	for _, w := range []string{ws, other} {
		if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: w}); err != nil {
			t.Fatal(err)
		}
	}
	res, _ := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws})
	people, _ := ddl.TableName(ws, "person")
	for i, city := range []string{"Paris", "Lyon", "Nice"} {
		if _, err := h.shards[res.GetShard()].Exec(`INSERT INTO "`+people+`" (id, city, position, "nameFirstName") VALUES (?, ?, ?, ?)`,
			ids.NewUUID(), city, float64(i), "P"+city); err != nil {
			t.Fatal(err)
		}
	}
	find := func(ws, object, rawFilter string) (*recordsv1.FindManyResponse, error) {
		q := &recordquery.Query{Limit: recordquery.DefaultLimit, OrderBy: []recordquery.Order{{Field: "position", Direction: recordquery.AscNullsFirst}}}
		if rawFilter != "" {
			f, err := restquery.ParseFilter(rawFilter)
			if err != nil {
				t.Fatal(err)
			}
			q.Filter = f
		}
		return h.client.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: ws, ObjectNamePlural: object, Query: recordquery.ToProto(q)})
	}
	got, err := find(ws, "people", "position[lte]:1")
	if err != nil {
		t.Fatalf("FindMany: %v", err)
	}
	var records []struct {
		City string
		Name struct{ FirstName string }
	}
	if err := json.Unmarshal(got.GetRecordsJson(), &records); err != nil {
		t.Fatalf("records_json %s: %v", got.GetRecordsJson(), err)
	}
	cities := []string{}
	for _, r := range records {
		cities = append(cities, r.City+"/"+r.Name.FirstName)
	}
	if diff := cmp.Diff([]string{"Paris/PParis", "Lyon/PLyon"}, cities); diff != "" || got.GetTotalCount() != 2 || got.GetObjectNamePlural() != "people" {
		t.Errorf("FindMany people position<=1: total %d (-want +got):\n%s", got.GetTotalCount(), diff)
	}
	if got, err := find(other, "people", ""); err != nil || got.GetTotalCount() != 0 {
		t.Errorf("another workspace's people = %v, %v; want none", got, err)
	}
	tests := []struct {
		object, filter, msg string
	}{
		{"person", "", "object 'person' not found. Did you mean 'people'?"},
		{"rockets", "", "object 'rockets' not found. eg: companies"},
		{"people", "nope[eq]:1", ""},
	}
	for _, tt := range tests {
		_, err := find(ws, tt.object, tt.filter)
		var ce *connect.Error
		if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument || (tt.msg != "" && ce.Message() != tt.msg) {
			t.Errorf("FindMany(%s, %q) error = %v, want invalid argument %q", tt.object, tt.filter, err, tt.msg)
		}
	}
}

func TestCreateMany(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	id := ids.NewUUID()
	res, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{
		WorkspaceId: ws, ObjectNamePlural: "companies",
		RecordsJson: []byte(`[{"id":"` + id + `","name":"Apple","domainName":{"primaryLinkUrl":"https://www.apple.com/"}}]`),
		Actor:       &recordsv1.Actor{Source: "API"},
	})
	if err != nil {
		t.Fatalf("CreateMany: %v", err)
	}
	var created []struct {
		ID         string
		DomainName struct {
			PrimaryLinkURL string `json:"primaryLinkUrl"`
		}
		CreatedBy struct{ Source string }
	}
	if err := json.Unmarshal(res.GetRecordsJson(), &created); err != nil {
		t.Fatal(err)
	}
	got := []string{created[0].ID, created[0].DomainName.PrimaryLinkURL, created[0].CreatedBy.Source, res.GetObjectNameSingular()}
	if diff := cmp.Diff([]string{id, "https://www.apple.com", "API", "company"}, got); diff != "" {
		t.Errorf("created company (-want +got):\n%s", diff)
	}
	_, err = h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "companies",
		RecordsJson: []byte(`[{"id":"` + id + `"}]`), Actor: &recordsv1.Actor{Source: "API"}})
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument || ce.Message() != "Record already exists" {
		t.Errorf("duplicate id: %v, want invalid argument \"Record already exists\"", err)
	}
	for _, body := range []string{`{"not":"an array"}`, `[1]`} {
		if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "companies", RecordsJson: []byte(body)}); connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("CreateMany(%s) = %v, want invalid argument", body, err)
		}
	}
}
