package authtoken

// WorkspaceRevocationID is the revocation id that revokes every token of a workspace at once (a
// deleted workspace's sessions, API keys and login tokens), beside each token's own id: the
// verifiers that read a token id's revocation read this one for a token with a workspace too.
func WorkspaceRevocationID(workspaceID string) string { return "workspace:" + workspaceID }
