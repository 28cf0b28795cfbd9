package main

import (
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Twenty's size limits (settings.storage): a file sent whole through a GraphQL multipart request
// may have 100 MB, a direct upload 1 GB. Both are checked before any byte is stored.
const (
	maxMultipartSize = 100 << 20
	maxDirectSize    = 1 << 30
	// maxNameBytes bounds a sanitised file name; R2 keys have 1024 bytes in all.
	maxNameBytes = 255
)

var (
	errUnknownFolder = errors.New("unknown file folder")
	errBadName       = errors.New("invalid file name")
	errTooLarge      = errors.New("file too large")
	errBadSize       = errors.New("invalid file size")
)

// folder is one of Twenty's FileFolder enum members: its GraphQL name and the path segment its
// files are stored and served under (the enum's string value).
type folder struct {
	name, segment string
	// byID: served by GET /file/{segment}/{id} (FileByIdGuard's supported folders).
	byID bool
	// images only: pictures and logos.
	images bool
}

// folders are the FileFolder members of the newest client (twenty-client-sdk 2.43.0) and the
// older ones that uploadFile/uploadImage still send (Attachment, PersonPicture, ...).
var folders = []folder{
	{name: "CorePicture", segment: "core-picture", byID: true, images: true},
	{name: "FilesField", segment: "files-field", byID: true},
	{name: "Workflow", segment: "workflow", byID: true},
	{name: "RecordExport", segment: "record-export"},
	{name: "AgentChat", segment: "agent-chat"},
	{name: "BuiltLogicFunction", segment: "built-logic-function"},
	{name: "BuiltFrontComponent", segment: "built-front-component"},
	{name: "PublicAsset", segment: "public-asset"},
	{name: "Source", segment: "source"},
	{name: "Dependencies", segment: "dependencies"},
	{name: "EmailAttachment", segment: "email-attachment"},
	{name: "EmailImage", segment: "email-image"},
	{name: "AppTarball", segment: "app-tarball"},
	{name: "GeneratedSdkClient", segment: "generated-sdk-client"},
	{name: "Dpa", segment: "dpa"},
	// Older Twenty's folders (uploadFile, uploadImage and the legacy /files/ route).
	{name: "Attachment", segment: "attachment"},
	{name: "ProfilePicture", segment: "profile-picture", images: true},
	{name: "WorkspaceLogo", segment: "workspace-logo", images: true},
	{name: "PersonPicture", segment: "person-picture", images: true},
	{name: "File", segment: "file"},
	{name: "ServerlessFunction", segment: "serverless-function"},
}

// folderNamed finds a folder by its GraphQL name or its path segment.
func folderNamed(s string) (folder, error) {
	for _, f := range folders {
		if f.name == s || f.segment == s {
			return f, nil
		}
	}
	return folder{}, fmt.Errorf("%w: %q", errUnknownFolder, s)
}

// folderOfSegment finds a folder by the first segment of a path ("attachment/x.png").
func folderOfSegment(seg string) (folder, bool) {
	for _, f := range folders {
		if f.segment == seg {
			return f, true
		}
	}
	return folder{}, false
}

// sanitizeName keeps the last element of a client's file name, without control characters,
// path separators or leading dots, so a name can never climb out of its folder ("../../x"
// becomes "x") nor hide. An empty result, or one over maxNameBytes, is an error.
func sanitizeName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: not UTF-8", errBadName)
	}
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == '?' || r == '#' || r == '%' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ". ")
	switch {
	case name == "":
		return "", fmt.Errorf("%w: empty", errBadName)
	case len(name) > maxNameBytes:
		return "", fmt.Errorf("%w: over %d bytes", errBadName, maxNameBytes)
	}
	return name, nil
}

// extension is a sanitised name's extension, lower-cased, with its dot ("" when none). Only
// letters and digits make an extension, so one cannot smuggle anything into a path.
func extension(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if len(ext) < 2 || len(ext) > 16 {
		return ""
	}
	for _, r := range ext[1:] {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return ""
		}
	}
	return ext
}

// mimeTypes are answered for common extensions whatever the platform's tables hold.
var mimeTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp", ".svg": "image/svg+xml", ".pdf": "application/pdf", ".txt": "text/plain",
	".csv": "text/csv", ".json": "application/json", ".zip": "application/zip",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".mp4":  "video/mp4", ".mp3": "audio/mpeg", ".ico": "image/x-icon",
}

// mimeTypeOf is the MIME type stored and served for a name: by its extension, else
// application/octet-stream. The client's claimed type is not trusted: a file served inline as
// text/html from the API's origin could script it.
func mimeTypeOf(name string) string {
	ext := extension(name)
	if t, ok := mimeTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); ext != "" && t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
	}
	return "application/octet-stream"
}

// inlineSafe reports whether a type may be shown inline by a browser: images (not SVG, which can
// script), PDF, plain text, audio and video. Everything else is served as an attachment.
func inlineSafe(mimeType string) bool {
	switch {
	case mimeType == "image/svg+xml":
		return false
	case strings.HasPrefix(mimeType, "image/"), strings.HasPrefix(mimeType, "audio/"),
		strings.HasPrefix(mimeType, "video/"), mimeType == "application/pdf", mimeType == "text/plain":
		return true
	}
	return false
}

// checkSize holds a declared size to a limit.
func checkSize(size, limit int64) error {
	switch {
	case size < 0:
		return fmt.Errorf("%w: %d", errBadSize, size)
	case size > limit:
		return fmt.Errorf("%w: %d bytes, over the %d-byte limit", errTooLarge, size, limit)
	}
	return nil
}
