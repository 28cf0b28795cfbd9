-- A workspace's logo is a file of the files Worker (Twenty's workspace.logoFileId), signed on read.
ALTER TABLE workspaces ADD COLUMN logo_file_id TEXT;
