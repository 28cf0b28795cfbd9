package metadata

// This file holds Twenty's workflow standard objects (modules/workflow/common/standard-objects):
// workflow, workflowVersion, workflowRun and workflowAutomatedTrigger. A version's trigger and
// steps, and a run's state (its flow and each step's status, result and error), are RAW_JSON as
// in Twenty: the jobs Worker reads and writes them (services/jobs/workflow*.go). Their links to
// favorite, timelineActivity and attachment are left out, as those objects' other missing links
// are (standard.go).

func workflow() Object {
	return object("workflow", "workflows", "Workflow", "Workflows", "A workflow", "IconSettingsAutomation",
		newField(TypeText, "name", "Name", "IconSettingsAutomation").describe("The workflow name"),
		newField(TypeText, "lastPublishedVersionId", "Last published Version Id", "IconVersions").
			describe("The workflow last published version id"),
		newField(TypeMultiSelect, "statuses", "Statuses", "IconStatusChange").describe("The current statuses of the workflow versions").
			withOptions(
				opt(0, "DRAFT", "Draft", "yellow"),
				opt(1, "ACTIVE", "Active", "green"),
				opt(2, "DEACTIVATED", "Deactivated", "gray"),
			),
		positionField("Workflow"),
		createdByField(),
		updatedByField(),
		oneToMany("versions", "Versions", "IconVersions", "workflowVersion", "workflow").describe("Workflow versions linked to the workflow."),
		oneToMany("runs", "Runs", "IconRun", "workflowRun", "workflow").describe("Workflow runs linked to the workflow."),
		oneToMany("automatedTriggers", "Automated Triggers", "IconSettingsAutomation", "workflowAutomatedTrigger", "workflow").
			describe("Workflow automated triggers linked to the workflow.").system(),
		searchVectorField(),
	).searchable()
}

func workflowVersion() Object {
	return object("workflowVersion", "workflowVersions", "Workflow Version", "Workflow Versions", "A workflow version", "IconVersions",
		newField(TypeText, "name", "Name", "IconSettingsAutomation").describe("The workflow version name"),
		newField(TypeRawJSON, "trigger", "Version trigger", "IconSettingsAutomation").describe("Json object to provide trigger"),
		newField(TypeRawJSON, "steps", "Version steps", "IconSettingsAutomation").describe("Json object to provide steps"),
		newField(TypeSelect, "status", "Version status", "IconStatusChange").describe("The workflow version status").
			notNull().withDefault("'DRAFT'").withOptions(
			opt(0, "DRAFT", "Draft", "yellow"),
			opt(1, "ACTIVE", "Active", "green"),
			opt(2, "DEACTIVATED", "Deactivated", "orange"),
			opt(3, "ARCHIVED", "Archived", "gray"),
		),
		positionField("Workflow version"),
		manyToOne("workflow", "Workflow", "IconSettingsAutomation", "workflow", "versions", Cascade).describe("WorkflowVersion workflow"),
		oneToMany("runs", "Runs", "IconRun", "workflowRun", "workflowVersion").describe("Workflow runs linked to the version."),
		searchVectorField(),
	).searchable()
}

func workflowRun() Object {
	return object("workflowRun", "workflowRuns", "Workflow Run", "Workflow Runs", "A workflow run", "IconHistoryToggle",
		newField(TypeText, "name", "Name", "IconSettingsAutomation").describe("Name of the workflow run"),
		newField(TypeDateTime, "enqueuedAt", "Enqueued at", "IconHistory").describe("Workflow run enqueued at"),
		newField(TypeDateTime, "startedAt", "Workflow run started at", "IconHistory").describe("Workflow run started at"),
		newField(TypeDateTime, "endedAt", "Workflow run ended at", "IconHistory").describe("Workflow run ended at"),
		newField(TypeSelect, "status", "Workflow run status", "IconStatusChange").describe("Workflow run status").
			notNull().withDefault("'NOT_STARTED'").withOptions(
			opt(0, "NOT_STARTED", "Not started", "gray"),
			opt(1, "ENQUEUED", "Enqueued", "blue"),
			opt(2, "RUNNING", "Running", "yellow"),
			opt(3, "COMPLETED", "Completed", "green"),
			opt(4, "FAILED", "Failed", "red"),
			opt(5, "STOPPING", "Stopping", "orange"),
			opt(6, "STOPPED", "Stopped", "gray"),
		),
		newField(TypeActor, "createdBy", "Executed by", "IconCreativeCommonsSa").describe("The executor of the workflow").
			notNull().withDefault(actorDefault()),
		updatedByField(),
		newField(TypeRawJSON, "state", "State", "IconHierarchy2").describe("State of the workflow run"),
		positionField("Workflow run"),
		manyToOne("workflowVersion", "Workflow version", "IconVersions", "workflowVersion", "runs", SetNull).
			describe("Workflow version linked to the run."),
		manyToOne("workflow", "Workflow", "IconSettingsAutomation", "workflow", "runs", Cascade).describe("Workflow linked to the run."),
		searchVectorField(),
	).searchable()
}

func workflowAutomatedTrigger() Object {
	return object("workflowAutomatedTrigger", "workflowAutomatedTriggers", "WorkflowAutomatedTrigger", "WorkflowAutomatedTriggers",
		"A workflow automated trigger", "IconSettingsAutomation",
		newField(TypeSelect, "type", "Automated Trigger Type", "IconSettingsAutomation").describe("The workflow automated trigger type").
			notNull().withOptions(
			opt(0, "DATABASE_EVENT", "Database Event", "green"),
			opt(1, "CRON", "Cron", "blue"),
		),
		newField(TypeRawJSON, "settings", "Settings", "IconSettings").describe("The workflow automated trigger settings").notNull(),
		manyToOne("workflow", "Workflow", "IconSettingsAutomation", "workflow", "automatedTriggers", Cascade).
			describe("WorkflowAutomatedTrigger workflow"),
	).systemObject()
}
