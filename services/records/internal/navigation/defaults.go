package navigation

import (
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// standardViewItems are the workspace items Twenty's standard application gives a new workspace
// (STANDARD_NAVIGATION_MENU_ITEMS): the "All" views of these objects, by position, and a
// Workflows folder holding the workflow objects' "All" views.
var standardViewItems = []struct {
	object   string
	position float64
	inFolder bool
}{
	{"company", 0, false}, {"dashboard", 1, false}, {"note", 2, false}, {"opportunity", 3, false},
	{"person", 4, false}, {"task", 5, false},
	{"workflow", 0, true}, {"workflowRun", 1, true}, {"workflowVersion", 2, true},
}

// DefaultStatements are the statements giving a new workspace Twenty's standard navigation menu
// items, for the batch that stores its objects and their "All" views (after them): an object
// without an INDEX view gets no item. Ids derive from the workspace, so running them again adds
// nothing.
func DefaultStatements(workspaceID string) []d1.Stmt {
	folder := ids.NameUUID(workspaceID, "navigation-menu-item:workflows-folder")
	stmts := []d1.Stmt{{SQL: `INSERT OR IGNORE INTO navigation_menu_item (id, workspace_id, type, name, icon, position)
VALUES (?, ?, 'FOLDER', 'Workflows', 'IconSettingsAutomation', 6)`, Args: []any{folder, workspaceID}}}
	for _, it := range standardViewItems {
		var folderID any
		if it.inFolder {
			folderID = folder
		}
		stmts = append(stmts, d1.Stmt{SQL: `INSERT OR IGNORE INTO navigation_menu_item (id, workspace_id, type, view_id, folder_id, position)
SELECT ?, v.workspace_id, 'VIEW', v.id, ?, ? FROM view v JOIN object_metadata o ON o.id = v.object_metadata_id
WHERE v.workspace_id = ? AND o.name_singular = ? AND v.view_key = 'INDEX' AND v.deleted_at IS NULL
ORDER BY v.position, v.created_at LIMIT 1`,
			Args: []any{ids.NameUUID(workspaceID, "navigation-menu-item:"+it.object), folderID, it.position, workspaceID, it.object}})
	}
	return stmts
}
