package metadata

import "strings"

// This file holds Twenty's standard objects: person, company, opportunity, note, task, noteTarget,
// taskTarget, attachment, workspaceMember, timelineActivity and favorite, with the fields and
// relations the reference lists for each (twenty-api.md §4), their types, nullability, defaults,
// options and on-delete actions as Twenty's standard field definitions give them.
//
// Relations to standard objects this Worker does not have yet (workflow, dashboard,
// favoriteFolder, messageParticipant, calendarEventParticipant, …) are left out; they come with
// those objects. noteTarget, taskTarget and attachment use Twenty's classic target names
// (person/personId, …); the newest Twenty renamed them targetPerson/targetPersonId (MORPH_RELATION).
// timelineActivity uses the target* names, as both the reference and Twenty do.

// newField returns an active, nullable standard field.
func newField(t FieldType, name, label, icon string) Field {
	return Field{Type: t, Name: name, Label: label, Icon: icon, IsActive: true, IsNullable: true}
}

func (f Field) describe(d string) Field             { f.Description = d; return f }
func (f Field) system() Field                       { f.IsSystem = true; return f }
func (f Field) unique() Field                       { f.IsUnique = true; return f }
func (f Field) notNull() Field                      { f.IsNullable = false; return f }
func (f Field) withDefault(v any) Field             { f.DefaultValue = v; return f }
func (f Field) withOptions(o ...Option) Field       { f.Options = o; return f }
func (f Field) withSettings(s map[string]any) Field { f.Settings = s; return f }

// opt is an option at position i.
func opt(i int, value, label, color string) Option {
	return Option{Value: value, Label: label, Color: color, Position: i}
}

// manyToOne is a nullable MANY_TO_ONE relation field (join column <name>Id).
func manyToOne(name, label, icon, target, inverse string, onDelete OnDeleteAction) Field {
	f := newField(TypeRelation, name, label, icon)
	f.Relation = &Relation{Type: ManyToOne, TargetObjectNameSingular: target, TargetFieldName: inverse, OnDelete: onDelete}
	return f
}

// oneToMany is the ONE_TO_MANY inverse of target.inverse.
func oneToMany(name, label, icon, target, inverse string) Field {
	f := newField(TypeRelation, name, label, icon)
	f.Relation = &Relation{Type: OneToMany, TargetObjectNameSingular: target, TargetFieldName: inverse}
	return f
}

// morphManyToOne is one MANY_TO_ONE side of a MORPH_RELATION (timelineActivity.targetPerson, …).
func morphManyToOne(name, label, icon, target, inverse, morphID string, onDelete OnDeleteAction) Field {
	f := manyToOne(name, label, icon, target, inverse, onDelete)
	f.Type = TypeMorphRelation
	f.Relation.MorphID = morphID
	return f
}

// baseFields are the fields of every object: id, createdAt, updatedAt, deletedAt.
func baseFields() []Field {
	dateSettings := map[string]any{"displayFormat": "RELATIVE"}
	return []Field{
		newField(TypeUUID, "id", "Id", "Icon123").describe("Id").system().notNull().withDefault("uuid"),
		newField(TypeDateTime, "createdAt", "Creation date", "IconCalendar").describe("Creation date").
			notNull().withDefault("now").withSettings(dateSettings),
		newField(TypeDateTime, "updatedAt", "Last update", "IconCalendarClock").describe("Last time the record was changed").
			notNull().withDefault("now").withSettings(dateSettings),
		newField(TypeDateTime, "deletedAt", "Deleted at", "IconCalendarMinus").describe("Date when the record was deleted").
			withSettings(dateSettings),
	}
}

func positionField(objectLabel string) Field {
	return newField(TypePosition, "position", "Position", "IconHierarchy2").describe(objectLabel + " record position").
		system().notNull().withDefault(0)
}

// actorDefault is the default of createdBy and updatedBy.
func actorDefault() map[string]any {
	return map[string]any{"source": "'MANUAL'", "name": "'System'", "workspaceMemberId": nil}
}

func createdByField() Field {
	return newField(TypeActor, "createdBy", "Created by", "IconCreativeCommonsSa").describe("The creator of the record").
		notNull().withDefault(actorDefault())
}

func updatedByField() Field {
	return newField(TypeActor, "updatedBy", "Updated by", "IconUserCircle").describe("The workspace member who last updated the record").
		system().notNull().withDefault(actorDefault())
}

func searchVectorField() Field {
	return newField(TypeTSVector, "searchVector", "Search vector", "IconUser").describe("Field used for full-text search").system()
}

// object assembles a standard object from its base fields and the rest.
func object(singular, plural, labelSingular, labelPlural, description, icon string, fields ...Field) Object {
	return Object{
		NameSingular:  singular,
		NamePlural:    plural,
		LabelSingular: labelSingular,
		LabelPlural:   labelPlural,
		Description:   description,
		Icon:          icon,
		IsActive:      true,
		Fields:        append(baseFields(), fields...),
	}
}

func (o Object) systemObject() Object { o.IsSystem = true; return o }
func (o Object) searchable() Object   { o.IsSearchable = true; return o }

// timelineMorphID groups timelineActivity's target* fields.
const timelineMorphID = "timelineActivityTarget"

// StandardObjects returns Twenty's standard objects, without ids. Every call returns new values.
func StandardObjects() []Object {
	return []Object{
		workspaceMember(), company(), person(), opportunity(), note(), task(),
		noteTarget(), taskTarget(), attachment(), timelineActivity(), favorite(),
		workflow(), workflowVersion(), workflowRun(), workflowAutomatedTrigger(),
	}
}

func person() Object {
	return object("person", "people", "Person", "People", "A person", "IconUser",
		newField(TypeFullName, "name", "Name", "IconUser").describe("Contact's name"),
		newField(TypeEmails, "emails", "Emails", "IconMail").describe("Contact's Emails").unique().
			withSettings(map[string]any{"maxNumberOfValues": 1}),
		newField(TypeLinks, "linkedinLink", "Linkedin", "IconBrandLinkedin").describe("Contact's Linkedin account"),
		newField(TypeLinks, "xLink", "X", "IconBrandX").describe("Contact's X/Twitter account"),
		newField(TypeText, "jobTitle", "Job Title", "IconBriefcase").describe("Contact's job title"),
		newField(TypeText, "city", "City", "IconMap").describe("Contact's city"),
		newField(TypeText, "phone", "Phone", "IconPhone").describe("Contact's phone number (deprecated, see phones)"),
		newField(TypePhones, "phones", "Phones", "IconPhone").describe("Contact's phone numbers"),
		newField(TypeText, "avatarUrl", "Avatar", "IconFileUpload").describe("Contact's avatar").system(),
		positionField("Person"),
		createdByField(),
		updatedByField(),
		manyToOne("company", "Company", "IconBuildingSkyscraper", "company", "people", SetNull).describe("Contact's company"),
		oneToMany("pointOfContactForOpportunities", "Opportunities", "IconTargetArrow", "opportunity", "pointOfContact").
			describe("List of opportunities for which that person is the point of contact"),
		oneToMany("taskTargets", "Tasks", "IconCheckbox", "taskTarget", "person").describe("Tasks tied to the contact"),
		oneToMany("noteTargets", "Notes", "IconNotes", "noteTarget", "person").describe("Notes tied to the contact"),
		oneToMany("favorites", "Favorites", "IconHeart", "favorite", "person").describe("Favorites linked to the contact").system(),
		oneToMany("attachments", "Attachments", "IconFileImport", "attachment", "person").describe("Attachments linked to the contact."),
		oneToMany("timelineActivities", "Events", "IconTimelineEvent", "timelineActivity", "targetPerson").
			describe("Events linked to the person").system(),
		searchVectorField(),
	).searchable()
}

func company() Object {
	return object("company", "companies", "Company", "Companies", "A company", "IconBuildingSkyscraper",
		newField(TypeText, "name", "Name", "IconBuildingSkyscraper").describe("The company name"),
		newField(TypeLinks, "domainName", "Domain Name", "IconLink").
			describe("The company website URL. We use this url to fetch the company icon").unique().
			withSettings(map[string]any{"maxNumberOfValues": 1}),
		newField(TypeNumber, "employees", "Employees", "IconUsers").describe("Number of employees in the company"),
		newField(TypeLinks, "linkedinLink", "Linkedin", "IconBrandLinkedin").describe("The company Linkedin account"),
		newField(TypeLinks, "xLink", "X", "IconBrandX").describe("The company Twitter/X account"),
		newField(TypeCurrency, "annualRecurringRevenue", "ARR", "IconMoneybag").
			describe("Annual Recurring Revenue: The actual or estimated annual revenue of the company"),
		newField(TypeAddress, "address", "Address", "IconMap").describe("Address of the company"),
		newField(TypeText, "addressOld", "Address (deprecated)", "IconMap").
			describe("Address of the company - deprecated in favor of new address field"),
		newField(TypeBoolean, "idealCustomerProfile", "ICP", "IconTarget").
			describe("Ideal Customer Profile: Indicates whether the company is the most suitable and valuable customer for you").
			notNull().withDefault(false),
		positionField("Company"),
		createdByField(),
		updatedByField(),
		manyToOne("accountOwner", "Account Owner", "IconUserCircle", "workspaceMember", "accountOwnerForCompanies", SetNull).
			describe("Your team member responsible for managing the company account"),
		oneToMany("people", "People", "IconUsers", "person", "company").describe("People linked to the company."),
		oneToMany("opportunities", "Opportunities", "IconTargetArrow", "opportunity", "company").describe("Opportunities linked to the company."),
		oneToMany("taskTargets", "Tasks", "IconCheckbox", "taskTarget", "company").describe("Tasks tied to the company"),
		oneToMany("noteTargets", "Notes", "IconNotes", "noteTarget", "company").describe("Notes tied to the company"),
		oneToMany("favorites", "Favorites", "IconHeart", "favorite", "company").describe("Favorites linked to the company").system(),
		oneToMany("attachments", "Attachments", "IconFileImport", "attachment", "company").describe("Attachments linked to the company").system(),
		oneToMany("timelineActivities", "Timeline Activities", "IconTimelineEvent", "timelineActivity", "targetCompany").
			describe("Timeline Activities linked to the company").system(),
		searchVectorField(),
	).searchable()
}

func opportunity() Object {
	return object("opportunity", "opportunities", "Opportunity", "Opportunities", "An opportunity", "IconTargetArrow",
		newField(TypeText, "name", "Name", "IconTargetArrow").describe("The opportunity name"),
		newField(TypeCurrency, "amount", "Amount", "IconCurrencyDollar").describe("Opportunity amount"),
		newField(TypeDateTime, "closeDate", "Close date", "IconCalendarEvent").describe("Opportunity close date"),
		newField(TypeSelect, "stage", "Stage", "IconProgressCheck").describe("Opportunity stage").
			notNull().withDefault("'NEW'").withOptions(
			opt(0, "NEW", "New", "red"),
			opt(1, "SCREENING", "Screening", "purple"),
			opt(2, "MEETING", "Meeting", "sky"),
			opt(3, "PROPOSAL", "Proposal", "turquoise"),
			opt(4, "CUSTOMER", "Customer", "yellow"),
		),
		newField(TypeText, "probability", "Probability", "IconProgressCheck").describe("Opportunity probability (legacy)"),
		positionField("Opportunity"),
		createdByField(),
		updatedByField(),
		manyToOne("pointOfContact", "Point of Contact", "IconUser", "person", "pointOfContactForOpportunities", SetNull).
			describe("Opportunity point of contact"),
		manyToOne("company", "Company", "IconBuildingSkyscraper", "company", "opportunities", SetNull).describe("Opportunity company"),
		manyToOne("owner", "Owner", "IconUserCircle", "workspaceMember", "ownedOpportunities", SetNull).describe("Opportunity owner"),
		oneToMany("favorites", "Favorites", "IconHeart", "favorite", "opportunity").describe("Favorites linked to the opportunity").system(),
		oneToMany("taskTargets", "Tasks", "IconCheckbox", "taskTarget", "opportunity").describe("Tasks tied to the opportunity"),
		oneToMany("noteTargets", "Notes", "IconNotes", "noteTarget", "opportunity").describe("Notes tied to the opportunity"),
		oneToMany("attachments", "Attachments", "IconFileImport", "attachment", "opportunity").describe("Attachments linked to the opportunity").system(),
		oneToMany("timelineActivities", "Timeline Activities", "IconTimelineEvent", "timelineActivity", "targetOpportunity").
			describe("Timeline Activities linked to the opportunity.").system(),
		searchVectorField(),
	).searchable()
}

func note() Object {
	return object("note", "notes", "Note", "Notes", "A note", "IconNotes",
		newField(TypeText, "title", "Title", "IconNotes").describe("Note title"),
		newField(TypeText, "body", "Body (deprecated)", "IconFilePencil").describe("Note body (deprecated - use bodyV2)"),
		newField(TypeRichTextV2, "bodyV2", "Body", "IconFilePencil").describe("Note body"),
		positionField("Note"),
		createdByField(),
		updatedByField(),
		oneToMany("noteTargets", "Relations", "IconArrowUpRight", "noteTarget", "note").describe("Note targets").system(),
		oneToMany("attachments", "Attachments", "IconFileImport", "attachment", "note").describe("Note attachments").system(),
		oneToMany("timelineActivities", "Timeline Activities", "IconTimelineEvent", "timelineActivity", "targetNote").
			describe("Timeline Activities linked to the note.").system(),
		oneToMany("favorites", "Favorites", "IconHeart", "favorite", "note").describe("Favorites linked to the note").system(),
		searchVectorField(),
	).searchable()
}

func task() Object {
	return object("task", "tasks", "Task", "Tasks", "A task", "IconCheckbox",
		newField(TypeText, "title", "Title", "IconNotes").describe("Task title"),
		newField(TypeText, "body", "Body (deprecated)", "IconFilePencil").describe("Task body (deprecated - use bodyV2)"),
		newField(TypeRichTextV2, "bodyV2", "Body", "IconFilePencil").describe("Task body"),
		newField(TypeDateTime, "dueAt", "Due Date", "IconCalendarEvent").describe("Task due date"),
		newField(TypeSelect, "status", "Status", "IconCheck").describe("Task status").withDefault("'TODO'").withOptions(
			opt(0, "TODO", "To do", "sky"),
			opt(1, "IN_PROGRESS", "In progress", "purple"),
			opt(2, "DONE", "Done", "green"),
		),
		positionField("Task"),
		createdByField(),
		updatedByField(),
		manyToOne("assignee", "Assignee", "IconUserCircle", "workspaceMember", "assignedTasks", SetNull).describe("Task assignee"),
		oneToMany("taskTargets", "Relations", "IconArrowUpRight", "taskTarget", "task").describe("Task targets").system(),
		oneToMany("attachments", "Attachments", "IconFileImport", "attachment", "task").describe("Task attachments").system(),
		oneToMany("timelineActivities", "Timeline Activities", "IconTimelineEvent", "timelineActivity", "targetTask").
			describe("Timeline Activities linked to the task.").system(),
		oneToMany("favorites", "Favorites", "IconHeart", "favorite", "task").describe("Favorites linked to the task").system(),
		searchVectorField(),
	).searchable()
}

// activityTarget is noteTarget or taskTarget: which record a note or task is about.
func activityTarget(activity, label string) Object {
	singular := activity + "Target"
	return object(singular, singular+"s", label+" Target", label+" Targets", "A "+strings.ToLower(label)+" target", "IconCheckbox",
		manyToOne(activity, label, "IconNotes", activity, singular+"s", Cascade).describe(label+"Target "+activity),
		manyToOne("person", "Person", "IconUser", "person", singular+"s", Cascade).describe(label+"Target person"),
		manyToOne("company", "Company", "IconBuildingSkyscraper", "company", singular+"s", Cascade).describe(label+"Target company"),
		manyToOne("opportunity", "Opportunity", "IconTargetArrow", "opportunity", singular+"s", Cascade).describe(label+"Target opportunity"),
	).systemObject()
}

func noteTarget() Object { return activityTarget("note", "Note") }
func taskTarget() Object { return activityTarget("task", "Task") }

func attachment() Object {
	return object("attachment", "attachments", "Attachment", "Attachments", "An attachment", "IconFileImport",
		newField(TypeText, "name", "Name", "IconFileUpload").describe("Attachment name"),
		newField(TypeText, "fullPath", "Full path", "IconLink").describe("Attachment full path"),
		newField(TypeText, "type", "Type", "IconList").describe("Attachment type (legacy, see fileCategory)"),
		newField(TypeSelect, "fileCategory", "File category", "IconList").describe("Attachment file category").
			notNull().withDefault("'OTHER'").withOptions(
			opt(0, "ARCHIVE", "Archive", "gray"),
			opt(1, "AUDIO", "Audio", "pink"),
			opt(2, "IMAGE", "Image", "yellow"),
			opt(3, "PRESENTATION", "Presentation", "orange"),
			opt(4, "SPREADSHEET", "Spreadsheet", "turquoise"),
			opt(5, "TEXT_DOCUMENT", "Text Document", "blue"),
			opt(6, "VIDEO", "Video", "purple"),
			opt(7, "OTHER", "Other", "gray"),
		),
		createdByField(),
		updatedByField(),
		manyToOne("author", "Author", "IconCircleUser", "workspaceMember", "authoredAttachments", SetNull).describe("Attachment author"),
		manyToOne("task", "Task", "IconNotes", "task", "attachments", SetNull).describe("Attachment task"),
		manyToOne("note", "Note", "IconNotes", "note", "attachments", SetNull).describe("Attachment note"),
		manyToOne("person", "Person", "IconUser", "person", "attachments", Cascade).describe("Attachment person"),
		manyToOne("company", "Company", "IconBuildingSkyscraper", "company", "attachments", Cascade).describe("Attachment company"),
		manyToOne("opportunity", "Opportunity", "IconBuildingSkyscraper", "opportunity", "attachments", Cascade).describe("Attachment opportunity"),
	).systemObject()
}

func workspaceMember() Object {
	selectSystem := func(name, label, icon string, opts ...Option) Field {
		return newField(TypeSelect, name, label, icon).system().notNull().withDefault("'SYSTEM'").withOptions(opts...)
	}
	return object("workspaceMember", "workspaceMembers", "Workspace Member", "Workspace Members", "A workspace member", "IconUserCircle",
		positionField("Workspace member"),
		newField(TypeFullName, "name", "Name", "IconCircleUser").describe("Workspace member name").notNull(),
		newField(TypeText, "colorScheme", "Color Scheme", "IconColorSwatch").describe("Preferred color scheme").
			system().notNull().withDefault("'System'"),
		newField(TypeText, "locale", "Language", "IconLanguage").describe("Preferred language").
			system().notNull().withDefault("'en'"),
		newField(TypeText, "avatarUrl", "Avatar Url", "IconFileUpload").describe("Workspace member avatar").system(),
		newField(TypeText, "userEmail", "User Email", "IconMail").describe("Related user email address").system().unique(),
		newField(TypeUUID, "userId", "User Id", "IconCircleUsers").describe("Associated User Id").system().notNull(),
		newField(TypeText, "timeZone", "Time zone", "IconTimezone").describe("User time zone").
			system().notNull().withDefault("'system'"),
		selectSystem("dateFormat", "Date format", "IconCalendarEvent",
			opt(0, "SYSTEM", "System", "turquoise"),
			opt(1, "MONTH_FIRST", "Month First", "red"),
			opt(2, "DAY_FIRST", "Day First", "purple"),
			opt(3, "YEAR_FIRST", "Year First", "sky"),
		).describe("User's preferred date format"),
		selectSystem("timeFormat", "Time format", "IconClock2",
			opt(0, "SYSTEM", "System", "sky"),
			opt(1, "HOUR_24", "24HRS", "red"),
			opt(2, "HOUR_12", "12HRS", "purple"),
		).describe("User's preferred time format"),
		selectSystem("numberFormat", "Number format", "IconNumbers",
			opt(0, "SYSTEM", "System", "turquoise"),
			opt(1, "COMMAS_AND_DOT", "Commas and dot", "blue"),
			opt(2, "SPACES_AND_COMMA", "Spaces and comma", "green"),
			opt(3, "DOTS_AND_COMMA", "Dots and comma", "orange"),
			opt(4, "APOSTROPHE_AND_DOT", "Apostrophe and dot", "purple"),
		).describe("User's preferred number format"),
		newField(TypeNumber, "calendarStartDay", "Start of the week", "IconCalendar").
			describe("User's preferred start day of the week").system().notNull().withDefault(7).
			withSettings(map[string]any{"dataType": "int"}),
		oneToMany("assignedTasks", "Assigned tasks", "IconCheckbox", "task", "assignee").describe("Tasks assigned to the workspace member"),
		oneToMany("favorites", "Favorites", "IconHeart", "favorite", "forWorkspaceMember").describe("Favorites linked to the workspace member").system(),
		oneToMany("accountOwnerForCompanies", "Account Owner For Companies", "IconBriefcase", "company", "accountOwner").
			describe("Account owner for companies"),
		oneToMany("ownedOpportunities", "Owned opportunities", "IconTargetArrow", "opportunity", "owner").describe("Opportunities owned by the workspace member"),
		oneToMany("authoredAttachments", "Authored attachments", "IconFileImport", "attachment", "author").describe("Attachments created by the workspace member"),
		oneToMany("timelineActivities", "Events", "IconTimelineEvent", "timelineActivity", "workspaceMember").describe("Events linked to the workspace member").system(),
		searchVectorField(),
	).systemObject()
}

func timelineActivity() Object {
	target := func(object, label string) Field {
		return morphManyToOne("target"+UpperFirst(object), label, "IconTimelineEvent", object,
			"timelineActivities", timelineMorphID, Cascade).describe("Event target")
	}
	return object("timelineActivity", "timelineActivities", "Timeline Activity", "Timeline Activities", "Aggregated / filtered event to be displayed on the timeline", "IconTimelineEvent",
		newField(TypeDateTime, "happensAt", "Creation date", "IconCalendar").describe("Creation date").notNull().withDefault("now"),
		newField(TypeText, "name", "Event name", "IconAbc").describe("Event name"),
		newField(TypeRawJSON, "properties", "Event details", "IconListDetails").describe("Json value for event details"),
		newField(TypeText, "linkedRecordCachedName", "Linked Record cached name", "IconAbc").describe("Cached record name").system(),
		newField(TypeUUID, "linkedRecordId", "Linked Record id", "IconAbc").describe("Linked Record id").system(),
		newField(TypeUUID, "linkedObjectMetadataId", "Linked Object Metadata Id", "IconAbc").describe("Linked Object Metadata Id").system(),
		manyToOne("workspaceMember", "Workspace Member", "IconCircleUser", "workspaceMember", "timelineActivities", Cascade).
			describe("Event workspace member"),
		target("person", "Person"),
		target("company", "Company"),
		target("opportunity", "Opportunity"),
		target("note", "Note"),
		target("task", "Task"),
	).systemObject()
}

func favorite() Object {
	return object("favorite", "favorites", "Favorite", "Favorites", "A favorite that can be accessed from the left menu", "IconHeart",
		newField(TypeNumber, "position", "Position", "IconList").describe("Favorite position").system().notNull().withDefault(0),
		newField(TypeUUID, "viewId", "ViewId", "IconView").describe("ViewId"),
		manyToOne("forWorkspaceMember", "Workspace Member", "IconCircleUser", "workspaceMember", "favorites", Cascade).
			describe("Favorite workspace member"),
		manyToOne("person", "Person", "IconUser", "person", "favorites", Cascade).describe("Favorite person"),
		manyToOne("company", "Company", "IconBuildingSkyscraper", "company", "favorites", Cascade).describe("Favorite company"),
		manyToOne("opportunity", "Opportunity", "IconTargetArrow", "opportunity", "favorites", Cascade).describe("Favorite opportunity"),
		manyToOne("task", "Task", "IconCheckbox", "task", "favorites", Cascade).describe("Favorite task"),
		manyToOne("note", "Note", "IconNotes", "note", "favorites", Cascade).describe("Favorite note"),
	).systemObject()
}

// customLinks are the standard objects a custom object is linked to: the object, the name of the
// custom object's ONE_TO_MANY field, its label and icon, and whether the MANY_TO_ONE side is a
// target* morph field.
var customLinks = []struct {
	object, inverse, label, icon string
	morph                        bool
}{
	{"timelineActivity", "timelineActivities", "Timeline Activities", "IconTimelineEvent", true},
	{"favorite", "favorites", "Favorites", "IconHeart", false},
	{"attachment", "attachments", "Attachments", "IconFileImport", false},
	{"noteTarget", "noteTargets", "Notes", "IconNotes", false},
	{"taskTarget", "taskTargets", "Tasks", "IconCheckbox", false},
}

// CustomObject returns a new custom object with the fields Twenty gives one: id, name, createdAt,
// updatedAt, deletedAt, position, createdBy, updatedBy, searchVector, and the ONE_TO_MANY sides of
// its links to timelineActivity, favorite, attachment, noteTarget and taskTarget, whose
// MANY_TO_ONE sides [CustomObjectLinks] returns.
func CustomObject(nameSingular, namePlural, labelSingular, labelPlural string) Object {
	o := object(nameSingular, namePlural, labelSingular, labelPlural, "", "IconCube",
		newField(TypeText, "name", "Name", "IconAbc").describe("Name"),
		positionField(labelSingular),
		createdByField(),
		updatedByField(),
		searchVectorField(),
	)
	o.IsCustom = true
	o.IsSearchable = true
	for _, l := range customLinks {
		o.Fields = append(o.Fields, oneToMany(l.inverse, l.label, l.icon, l.object, linkFieldName(nameSingular, l.morph)).system())
	}
	return o
}

// linkFieldName names the MANY_TO_ONE field pointing at custom object n: n, or target<N>.
func linkFieldName(n string, morph bool) string {
	if morph {
		return "target" + UpperFirst(n)
	}
	return n
}

// ObjectField is a field of the object named Object.
type ObjectField struct {
	Object string
	Field  Field
}

// CustomObjectLinks returns the MANY_TO_ONE fields the standard objects get when custom object o
// is created, pointing at it: noteTarget.<name>, taskTarget.<name>, attachment.<name>,
// favorite.<name> (join columns <name>Id) and timelineActivity.target<Name>, all cascading.
// Add them with ddl.AddField after creating o's table.
func CustomObjectLinks(o Object) []ObjectField {
	out := make([]ObjectField, len(customLinks))
	for i, l := range customLinks {
		f := manyToOne(linkFieldName(o.NameSingular, l.morph), o.LabelSingular, o.Icon, o.NameSingular, l.inverse, Cascade).system()
		if l.morph {
			f.Type = TypeMorphRelation
			f.Relation.MorphID = timelineMorphID
		}
		out[i] = ObjectField{Object: l.object, Field: f}
	}
	return out
}
