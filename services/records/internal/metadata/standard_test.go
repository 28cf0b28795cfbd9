package metadata

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func objectByName(t *testing.T, objects []Object, name string) Object {
	t.Helper()
	for _, o := range objects {
		if o.NameSingular == name {
			return o
		}
	}
	t.Fatalf("no object %q", name)
	return Object{}
}

func TestStandardObjects(t *testing.T) {
	objects := StandardObjects()
	if err := ValidateSchema(objects); err != nil {
		t.Fatalf("ValidateSchema(StandardObjects()) = %v", err)
	}
	var got [][2]string
	for _, o := range objects {
		got = append(got, [2]string{o.NameSingular, o.NamePlural})
	}
	want := [][2]string{
		{"workspaceMember", "workspaceMembers"}, {"company", "companies"}, {"person", "people"},
		{"opportunity", "opportunities"}, {"note", "notes"}, {"task", "tasks"},
		{"noteTarget", "noteTargets"}, {"taskTarget", "taskTargets"}, {"attachment", "attachments"},
		{"timelineActivity", "timelineActivities"}, {"favorite", "favorites"},
		{"workflow", "workflows"}, {"workflowVersion", "workflowVersions"}, {"workflowRun", "workflowRuns"},
		{"workflowAutomatedTrigger", "workflowAutomatedTriggers"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("standard objects mismatch (-got +want):\n%s", diff)
	}
}

func TestStandardObjectColumns(t *testing.T) {
	tests := []struct {
		object string
		want   []string
	}{
		{"person", []string{
			"id", "createdAt", "updatedAt", "deletedAt",
			"nameFirstName", "nameLastName", "emailsPrimaryEmail", "emailsAdditionalEmails",
			"linkedinLinkPrimaryLinkLabel", "linkedinLinkPrimaryLinkUrl", "linkedinLinkSecondaryLinks",
			"xLinkPrimaryLinkLabel", "xLinkPrimaryLinkUrl", "xLinkSecondaryLinks",
			"jobTitle", "city", "phone",
			"phonesPrimaryPhoneNumber", "phonesPrimaryPhoneCountryCode", "phonesPrimaryPhoneCallingCode", "phonesAdditionalPhones",
			"avatarUrl", "position",
			"createdBySource", "createdByWorkspaceMemberId", "createdByName", "createdByContext",
			"updatedBySource", "updatedByWorkspaceMemberId", "updatedByName", "updatedByContext",
			"companyId",
		}},
		{"opportunity", []string{
			"id", "createdAt", "updatedAt", "deletedAt", "name", "amountAmountMicros", "amountCurrencyCode",
			"closeDate", "stage", "probability", "position",
			"createdBySource", "createdByWorkspaceMemberId", "createdByName", "createdByContext",
			"updatedBySource", "updatedByWorkspaceMemberId", "updatedByName", "updatedByContext",
			"pointOfContactId", "companyId", "ownerId",
		}},
		{"noteTarget", []string{"id", "createdAt", "updatedAt", "deletedAt", "noteId", "personId", "companyId", "opportunityId"}},
		{"timelineActivity", []string{
			"id", "createdAt", "updatedAt", "deletedAt", "happensAt", "name", "properties",
			"linkedRecordCachedName", "linkedRecordId", "linkedObjectMetadataId", "workspaceMemberId",
			"targetPersonId", "targetCompanyId", "targetOpportunityId", "targetNoteId", "targetTaskId",
		}},
	}
	objects := StandardObjects()
	for _, tt := range tests {
		t.Run(tt.object, func(t *testing.T) {
			var got []string
			for _, c := range objectByName(t, objects, tt.object).Columns() {
				got = append(got, c.Name)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("columns of %s mismatch (-got +want):\n%s", tt.object, diff)
			}
		})
	}
}

func TestStandardRelations(t *testing.T) {
	// Every MANY_TO_ONE relation of the standard objects, with its on-delete action.
	want := map[string]OnDeleteAction{
		"person.company": SetNull, "company.accountOwner": SetNull,
		"opportunity.pointOfContact": SetNull, "opportunity.company": SetNull, "opportunity.owner": SetNull,
		"task.assignee":   SetNull,
		"noteTarget.note": Cascade, "noteTarget.person": Cascade, "noteTarget.company": Cascade, "noteTarget.opportunity": Cascade,
		"taskTarget.task": Cascade, "taskTarget.person": Cascade, "taskTarget.company": Cascade, "taskTarget.opportunity": Cascade,
		"attachment.author": SetNull, "attachment.task": SetNull, "attachment.note": SetNull,
		"attachment.person": Cascade, "attachment.company": Cascade, "attachment.opportunity": Cascade,
		"timelineActivity.workspaceMember": Cascade, "timelineActivity.targetPerson": Cascade,
		"timelineActivity.targetCompany": Cascade, "timelineActivity.targetOpportunity": Cascade,
		"timelineActivity.targetNote": Cascade, "timelineActivity.targetTask": Cascade,
		"favorite.forWorkspaceMember": Cascade, "favorite.person": Cascade, "favorite.company": Cascade,
		"favorite.opportunity": Cascade, "favorite.task": Cascade, "favorite.note": Cascade,
		"workflowVersion.workflow": Cascade, "workflowRun.workflow": Cascade, "workflowRun.workflowVersion": SetNull,
		"workflowAutomatedTrigger.workflow": Cascade,
	}
	got := map[string]OnDeleteAction{}
	for _, o := range StandardObjects() {
		for _, f := range o.Fields {
			if f.IsManyToOne() {
				got[o.NameSingular+"."+f.Name] = f.Relation.OnDelete
			}
		}
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("MANY_TO_ONE relations mismatch (-got +want):\n%s", diff)
	}
}

func TestCustomObjectLinks(t *testing.T) {
	o := CustomObject("rocket", "rockets", "Rocket", "Rockets")
	var got [][3]string
	for _, l := range CustomObjectLinks(o) {
		got = append(got, [3]string{l.Object, string(l.Field.Type), Columns(l.Field)[0].Name})
	}
	want := [][3]string{
		{"timelineActivity", "MORPH_RELATION", "targetRocketId"},
		{"favorite", "RELATION", "rocketId"},
		{"attachment", "RELATION", "rocketId"},
		{"noteTarget", "RELATION", "rocketId"},
		{"taskTarget", "RELATION", "rocketId"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("links of a custom object mismatch (-got +want):\n%s", diff)
	}
	if err := ValidateSchema(withCustomObject(StandardObjects(), o)); err != nil {
		t.Errorf("ValidateSchema with a custom object = %v", err)
	}
}

func TestStandardObjectsAreFresh(t *testing.T) {
	a := StandardObjects()
	a[0].Fields[0].Name = "changed"
	b := StandardObjects()
	if b[0].Fields[0].Name != "id" {
		t.Errorf("StandardObjects shares values between calls")
	}
}
