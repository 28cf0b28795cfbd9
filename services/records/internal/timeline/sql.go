package timeline

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/recordjson"
	"github.com/twentyworkers/twenty/shared/d1"
)

// readKind names one statement of [Plan.Reads].
type readKind int

const (
	readLinks readKind = iota
	readTitles
	readMembers
	readRecent
)

// read is one statement of [Plan.Reads] and what it reads.
type read struct {
	kind readKind
	stmt d1.Stmt
	// cols are the link columns (readLinks) or target columns (readRecent) it selects, in order.
	cols []junctionLink
}

// Reads returns the statements that read what [Plan.Build] needs, for one batch on the
// workspace's shard: the records the batch's notes are attached to, the titles of the notes its
// junction rows point at, its users' members, and the activities it may merge into. Soft-deleted
// rows are not read, as Twenty's repositories do not find them. Lists go in one JSON argument
// (json_each), so no statement nears D1's 100 bound parameters whatever the batch's size.
func (p *Plan) Reads() ([]d1.Stmt, error) {
	reads, err := p.reads()
	if err != nil {
		return nil, err
	}
	out := make([]d1.Stmt, len(reads))
	for i, r := range reads {
		out[i] = r.stmt
	}
	return out, nil
}

func (p *Plan) reads() ([]read, error) {
	var out []read
	ids, linked, names, users := p.keys()
	if junction, ok := junctionOf(p.object.NameSingular); ok && p.renamesActivity() {
		jo, ok := findObject(p.objects, "", junction)
		if ok {
			links := junctionLinks(jo, p.object.NameSingular)
			table, err := ddl.TableName(p.workspaceID, junction)
			if err != nil {
				return nil, err
			}
			cols := []string{quote(p.object.NameSingular + "Id")}
			for _, l := range links {
				cols = append(cols, quote(l.column))
			}
			out = append(out, read{kind: readLinks, cols: links, stmt: d1.Stmt{
				SQL: "SELECT " + strings.Join(cols, ", ") + " FROM " + quote(table) + " WHERE " + quote("deletedAt") + " IS NULL AND " +
					quote(p.object.NameSingular+"Id") + " IN (SELECT value FROM json_each(?)) ORDER BY " + quote("createdAt") + ", " + quote("id"),
				Args: []any{jsonList(ids)},
			}})
		}
	}
	if activity, ok := activityJunctions[p.object.NameSingular]; ok {
		if _, ok := findObject(p.objects, "", activity); ok {
			table, err := ddl.TableName(p.workspaceID, activity)
			if err != nil {
				return nil, err
			}
			out = append(out, read{kind: readTitles, stmt: d1.Stmt{
				SQL:  "SELECT " + quote("id") + ", " + quote("title") + " FROM " + quote(table) + " WHERE " + quote("deletedAt") + " IS NULL AND " + quote("id") + " IN (SELECT value FROM json_each(?))",
				Args: []any{jsonList(linked)},
			}})
		}
	}
	if len(users) > 0 {
		if _, ok := findObject(p.objects, "", "workspaceMember"); ok {
			table, err := ddl.TableName(p.workspaceID, "workspaceMember")
			if err != nil {
				return nil, err
			}
			out = append(out, read{kind: readMembers, stmt: d1.Stmt{
				SQL:  "SELECT " + quote("id") + ", " + quote("userId") + " FROM " + quote(table) + " WHERE " + quote("deletedAt") + " IS NULL AND " + quote("userId") + " IN (SELECT value FROM json_each(?))",
				Args: []any{jsonList(users)},
			}})
		}
	}
	if !p.mayMerge() {
		return out, nil
	}
	table, err := ddl.TableName(p.workspaceID, Object)
	if err != nil {
		return nil, err
	}
	targets := targetColumns(p.timeline)
	cols := []string{quote("id"), quote("name"), quote("workspaceMemberId"), quote("linkedRecordId"), quote("properties"), quote("createdAt"), quote("updatedAt")}
	for _, t := range targets {
		cols = append(cols, quote(t.column))
	}
	where := []string{quote("linkedRecordId") + " IN (SELECT value FROM json_each(?))"}
	args := []any{windowStart(p.date), p.date, jsonList(names), jsonList(linked)}
	if col, ok := targetColumn(p.timeline, p.object.NameSingular); ok {
		where = append(where, quote(col)+" IN (SELECT value FROM json_each(?))")
		args = append(args, jsonList(ids))
	}
	out = append(out, read{kind: readRecent, cols: targets, stmt: d1.Stmt{
		SQL: "SELECT " + strings.Join(cols, ", ") + " FROM " + quote(table) + " WHERE " + quote("deletedAt") + " IS NULL AND " +
			quote("createdAt") + " >= ? AND " + quote("createdAt") + " <= ? AND " + quote("name") + " IN (SELECT value FROM json_each(?)) AND (" +
			strings.Join(where, " OR ") + ")",
		Args: args,
	}})
	return out, nil
}

// mayMerge reports whether an activity of the batch may go into a recent one, which must then be
// read: not when the batch only creates records of an object that is neither a note (task) nor
// its junction, whose activities can meet only their own earlier rows, which the inserts skip.
func (p *Plan) mayMerge() bool {
	_, isJunction := activityJunctions[p.object.NameSingular]
	_, isActivity := junctionOf(p.object.NameSingular)
	return isJunction || isActivity || slices.ContainsFunc(p.events, func(e event) bool { return e.action != actionCreated })
}

// ReadsNeedNoImages reports whether what [Plan.Reads] reads depends only on the batch's records,
// actor and action, not on their images, so that a write's own batch can read it before the
// images are known: true except for notes and tasks (a rename reads the records they are attached
// to) and their junctions (the note linked is in the image).
func (p *Plan) ReadsNeedNoImages() bool {
	_, isJunction := activityJunctions[p.object.NameSingular]
	_, isActivity := junctionOf(p.object.NameSingular)
	return !isJunction && !isActivity
}

// renamesActivity reports whether a note (task) event of the batch changed its title, the only
// case its linked activities need the records it is attached to.
func (p *Plan) renamesActivity() bool {
	return slices.ContainsFunc(p.events, func(e event) bool {
		t, ok := e.diff["title"]
		return ok && t.After != nil
	})
}

// keys returns the batch's record ids, the ids of the notes (tasks) its activities may link, the
// names they may have and the users whose members it needs.
func (p *Plan) keys() (ids, linked, names, users []string) {
	activity, isJunction := activityJunctions[p.object.NameSingular]
	_, isActivity := junctionOf(p.object.NameSingular)
	for _, e := range p.events {
		ids = append(ids, e.recordID)
		names = append(names, p.object.NameSingular+"."+e.action)
		if e.userID != "" && e.memberID == "" {
			users = append(users, e.userID) // an event that names its member needs no lookup
		}
		switch {
		case isJunction:
			row := e.after
			if row == nil {
				row = e.before
			}
			if id, _ := row[activity+"Id"].(string); id != "" {
				linked = append(linked, id)
			}
			names = append(names, "linked-"+activity+"."+e.action)
		case isActivity:
			linked = append(linked, e.recordID)
			names = append(names, "linked-"+p.object.NameSingular+"."+e.action)
		}
	}
	slices.Sort(names)
	return ids, linked, slices.Compact(names), users
}

// Lookups decodes the results of the statements [Plan.Reads] returned, in their order.
func (p *Plan) Lookups(res []d1.Result) (Lookups, error) {
	reads, err := p.reads()
	if err != nil {
		return Lookups{}, err
	}
	if len(res) != len(reads) {
		return Lookups{}, fmt.Errorf("timeline: %d results for %d reads", len(res), len(reads))
	}
	l := Lookups{Links: map[string][]Link{}, Titles: map[string]string{}, Members: map[string]string{}}
	for i, r := range reads {
		for _, row := range res[i].Rows {
			switch r.kind {
			case readLinks:
				for j, c := range r.cols {
					if id, _ := row[j+1].(string); id != "" {
						owner, _ := row[0].(string)
						l.Links[owner] = append(l.Links[owner], Link{Object: c.object, RecordID: id})
						break
					}
				}
			case readTitles:
				id, _ := row[0].(string)
				l.Titles[id], _ = row[1].(string)
			case readMembers:
				id, _ := row[0].(string)
				user, _ := row[1].(string)
				l.Members[user] = id
			case readRecent:
				a, err := recentActivity(row, r.cols)
				if err != nil {
					return Lookups{}, err
				}
				l.Recent = append(l.Recent, a)
			}
		}
	}
	return l, nil
}

// recentActivity decodes a row of the recent activities' read.
func recentActivity(row []any, targets []junctionLink) (Activity, error) {
	str := func(i int) string { s, _ := row[i].(string); return s }
	a := Activity{ID: str(0), Name: str(1), WorkspaceMemberID: str(2), LinkedRecordID: str(3), CreatedAt: str(5), UpdatedAt: str(6)}
	if props := str(4); props != "" {
		var p struct {
			Diff map[string]Change `json:"diff"`
		}
		if err := json.Unmarshal([]byte(props), &p); err != nil {
			return Activity{}, fmt.Errorf("timeline activity %s properties: %w", a.ID, err)
		}
		a.Diff = p.Diff
	}
	for i, t := range targets {
		if id := str(7 + i); id != "" {
			a.TargetColumn, a.TargetObject, a.RecordID = t.column, t.object, id
			break
		}
	}
	return a, nil
}

// Stmts returns the statements writing w, to run in one batch. An insert skips an activity
// already written (same id, a redelivered event) and one whose record is gone since (destroyed):
// its foreign key would fail the whole batch. A member deleted since is left out (null), as the
// foreign key would fail too. An update applies only over an activity no later event went into.
func (w Writes) Stmts(workspaceID string) ([]d1.Stmt, error) {
	table, err := ddl.TableName(workspaceID, Object)
	if err != nil {
		return nil, err
	}
	members, err := ddl.TableName(workspaceID, "workspaceMember")
	if err != nil {
		return nil, err
	}
	member := "(SELECT " + quote("id") + " FROM " + quote(members) + " WHERE " + quote("id") + " = ?)"
	var out []d1.Stmt
	for _, a := range w.Insert {
		target, err := ddl.TableName(workspaceID, a.TargetObject)
		if err != nil {
			return nil, err
		}
		props, err := propertiesJSON(a.Diff)
		if err != nil {
			return nil, err
		}
		cols := []string{"id", "createdAt", "updatedAt", "happensAt", "name", "properties", "linkedRecordCachedName", "linkedRecordId", "linkedObjectMetadataId", "workspaceMemberId", a.TargetColumn}
		for i, c := range cols {
			cols[i] = quote(c)
		}
		out = append(out, d1.Stmt{
			SQL: "INSERT INTO " + quote(table) + " (" + strings.Join(cols, ", ") + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, " + member + ", ? WHERE EXISTS (SELECT 1 FROM " +
				quote(target) + " WHERE " + quote("id") + " = ?) ON CONFLICT (" + quote("id") + ") DO NOTHING",
			Args: []any{a.ID, a.CreatedAt, a.UpdatedAt, a.HappensAt, a.Name, props, a.LinkedRecordCachedName, nullable(a.LinkedRecordID), nullable(a.LinkedObjectMetadataID),
				a.WorkspaceMemberID, a.RecordID, a.RecordID},
		})
	}
	for _, a := range w.Update {
		props, err := propertiesJSON(a.Diff)
		if err != nil {
			return nil, err
		}
		out = append(out, d1.Stmt{
			SQL: "UPDATE " + quote(table) + " SET " + quote("properties") + " = ?, " + quote("workspaceMemberId") + " = " + member + ", " + quote("updatedAt") + " = ? WHERE " +
				quote("id") + " = ? AND " + quote("updatedAt") + " <= ?",
			Args: []any{props, a.WorkspaceMemberID, a.UpdatedAt, a.ID, a.UpdatedAt},
		})
	}
	return out, nil
}

// propertiesJSON is an activity's properties: {} or {"diff": …}.
func propertiesJSON(d map[string]Change) (string, error) {
	props := map[string]any{}
	if d != nil {
		m := make(map[string]any, len(d))
		for k, c := range d {
			m[k] = map[string]any{"before": c.Before, "after": c.After}
		}
		props["diff"] = m
	}
	b, err := recordjson.Marshal(props)
	return string(b), err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func jsonList(ss []string) string {
	if ss == nil {
		ss = []string{}
	}
	b, _ := json.Marshal(ss) // strings always encode
	return string(b)
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
