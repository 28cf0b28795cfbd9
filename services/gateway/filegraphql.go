package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// This file serves Twenty's file operations of the metadata API through the files Worker's
// FilesService: direct uploads as current Twenty does them (createFileUpload, then a PUT of the
// bytes to the upload URL, then completeFileUpload and its logo / profile picture variants;
// file-upload.resolver.ts, file-core-picture.resolver.ts), and the multipart operations older
// clients still send (uploadFile, uploadImage, uploadWorkspaceLogo, ...; filemultipart.go).
// Names, arguments and result types are twenty-client-sdk 2.43.0's: FileUploadTarget,
// FileWithSignedUrl, FileFolder; older Twenty's SignedFile for uploadFile and uploadImage.

// fileSDL extends authSDL's Query and Mutation and uses its UUID and DateTime scalars.
const fileSDL = `
scalar Upload

enum FileFolder {
  CorePicture
  FilesField
  Workflow
  RecordExport
  AgentChat
  BuiltLogicFunction
  BuiltFrontComponent
  PublicAsset
  Source
  Dependencies
  EmailAttachment
  EmailImage
  AppTarball
  GeneratedSdkClient
  Dpa
  Attachment
  ProfilePicture
  WorkspaceLogo
  PersonPicture
  File
  ServerlessFunction
}

type FileUploadTarget {
  fileId: UUID!
  uploadUrl: String!
  contentType: String!
  expiresAt: DateTime!
}

type FileWithSignedUrl {
  id: UUID!
  path: String!
  size: Float!
  createdAt: DateTime!
  url: String!
}

type SignedFile {
  path: String!
  token: String!
}

extend type Mutation {
  createFileUpload(filename: String!, size: Float!, fileFolder: FileFolder!, fieldMetadataId: String, fieldMetadataUniversalIdentifier: String): FileUploadTarget!
  completeFileUpload(fileId: String!): FileWithSignedUrl!
  completeWorkspaceLogoUpload(fileId: String!): FileWithSignedUrl!
  completeWorkspaceMemberProfilePictureUpload(fileId: String!): FileWithSignedUrl!
  createNewWorkspaceLogoUpload(workspaceId: String!, filename: String!, size: Float!): FileUploadTarget!
  completeNewWorkspaceLogoUpload(workspaceId: String!, fileId: String!): FileWithSignedUrl!
  uploadFile(file: Upload!, fileFolder: FileFolder): SignedFile!
  uploadImage(file: Upload!, fileFolder: FileFolder): SignedFile!
  uploadWorkspaceLogo(file: Upload!): FileWithSignedUrl!
  uploadWorkspaceMemberProfilePicture(file: Upload!): FileWithSignedUrl!
  uploadNewWorkspaceLogo(workspaceId: String!, file: Upload!): FileWithSignedUrl!
  uploadFilesFieldFileByUniversalIdentifier(file: Upload!, fieldMetadataUniversalIdentifier: String!): FileWithSignedUrl!
}
`

// serverURLKey carries the public origin of the request (the base of upload and download URLs).
type serverURLKey struct{}

func serverURL(ctx context.Context) string {
	s, _ := ctx.Value(serverURLKey{}).(string)
	return s
}

// logoSetter is the part of the auth contract the logo operations need: the workspace is auth's.
type logoSetter interface {
	SetWorkspaceLogo(context.Context, *authv1.SetWorkspaceLogoRequest) (*authv1.SetWorkspaceLogoResponse, error)
}

// logoOperations are the operations whose file becomes the workspace's logo, as Twenty's
// FileCorePictureService binds it (workspace.logoFileId) once the file is uploaded.
var logoOperations = map[string]bool{
	"completeWorkspaceLogoUpload": true, "completeNewWorkspaceLogoUpload": true,
	"uploadWorkspaceLogo": true, "uploadNewWorkspaceLogo": true,
}

// fileResolvers resolve the operations of fileSDL over the files Worker (and auth, for the logo).
func fileResolvers(client connect.HTTPClient, auth logoSetter, streams uploadStreamer) map[string]graphql.Resolver {
	files := filesv1connect.NewFilesServiceClient(client, baseURL, rpc.ClientOptions()...)
	// setLogo makes an uploaded file the workspace's logo (auth checks the caller's role) and
	// deletes the logo it replaced, as Twenty does; that deletion is best effort (the sweep
	// would otherwise keep an unused picture, which costs storage and nothing else).
	setLogo := func(ctx context.Context, ws string, f *filesv1.File) error {
		res, err := auth.SetWorkspaceLogo(ctx, &authv1.SetWorkspaceLogoRequest{LogoFileId: f.GetId()})
		if err != nil {
			// A caller who may not change the logo keeps no picture behind.
			if _, derr := files.DeleteFiles(ctx, &filesv1.DeleteFilesRequest{WorkspaceId: ws, Paths: []string{f.GetId()}}); derr != nil {
				slog.WarnContext(ctx, "refused workspace logo left in place", "fileId", f.GetId(), "error", derr.Error())
			}
			return gqlError(err)
		}
		if old := res.GetReplacedLogoFileId(); old != "" {
			if _, err := files.DeleteFiles(ctx, &filesv1.DeleteFilesRequest{WorkspaceId: ws, Paths: []string{old}}); err != nil {
				slog.WarnContext(ctx, "replaced workspace logo left in place", "fileId", old, "error", err.Error())
			}
		}
		return nil
	}
	uploader := func(ctx context.Context) *filesv1.Uploader {
		c := principalFrom(ctx)
		return &filesv1.Uploader{UserId: c.UserID, WorkspaceMemberId: c.WorkspaceMemberID}
	}
	create := func(ctx context.Context, ws, filename string, size float64, folder string, args map[string]any) (any, error) {
		if size != float64(int64(size)) {
			return nil, graphql.NewError(graphql.CodeBadUserInput, "The file size must be a whole number of bytes.")
		}
		res, err := files.CreateFileUpload(ctx, &filesv1.CreateFileUploadRequest{
			WorkspaceId: ws, Filename: filename, Size: int64(size), FileFolder: folder,
			FieldMetadataId: str(args, "fieldMetadataId"), FieldMetadataUniversalIdentifier: str(args, "fieldMetadataUniversalIdentifier"),
			Uploader: uploader(ctx), ServerUrl: serverURL(ctx),
		})
		if err != nil {
			return nil, fileGQLError(err)
		}
		return map[string]any{"fileId": res.GetFileId(), "uploadUrl": res.GetUploadUrl(), "contentType": res.GetContentType(), "expiresAt": res.GetExpiresAt()}, nil
	}
	complete := func(ctx context.Context, ws, fileID, folder string, logo bool) (any, error) {
		res, err := files.CompleteFileUpload(ctx, &filesv1.CompleteFileUploadRequest{WorkspaceId: ws, FileId: fileID, ServerUrl: serverURL(ctx), FileFolder: folder})
		if err != nil {
			return nil, fileGQLError(err)
		}
		if logo {
			if err := setLogo(ctx, ws, res.GetFile()); err != nil {
				return nil, err
			}
		}
		return fileWithSignedURL(res.GetFile()), nil
	}
	// workspaceArg is a workspaceId argument, which must be the caller's own workspace; the new
	// workspace's logo operations are a user's (Twenty's UserAuthGuard), refused to API keys.
	workspaceArg := func(ctx context.Context, args map[string]any) (string, error) {
		ws, err := metadataWorkspace(ctx)
		if err != nil {
			return "", err
		}
		if c := principalFrom(ctx); c != nil && c.Type == authtoken.TypeAPIKey {
			return "", errUserOnly
		}
		if str(args, "workspaceId") != ws {
			return "", graphql.NewError(graphql.CodeForbidden, "You cannot upload to another workspace.")
		}
		return ws, nil
	}
	r := map[string]graphql.Resolver{
		"Mutation.createFileUpload": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			size, _ := args["size"].(float64)
			return create(ctx, ws, str(args, "filename"), size, str(args, "fileFolder"), args)
		},
		"Mutation.createNewWorkspaceLogoUpload": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := workspaceArg(ctx, args)
			if err != nil {
				return nil, err
			}
			size, _ := args["size"].(float64)
			return create(ctx, ws, str(args, "filename"), size, "CorePicture", nil)
		},
		"Mutation.completeNewWorkspaceLogoUpload": func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := workspaceArg(ctx, args)
			if err != nil {
				return nil, err
			}
			return complete(ctx, ws, str(args, "fileId"), "CorePicture", true)
		},
	}
	for field, folder := range map[string]string{
		"completeFileUpload": "", "completeWorkspaceLogoUpload": "CorePicture", "completeWorkspaceMemberProfilePictureUpload": "CorePicture",
	} {
		r["Mutation."+field] = func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			return complete(ctx, ws, str(args, "fileId"), folder, logoOperations[field])
		}
	}
	for field, folder := range map[string]string{
		"uploadWorkspaceLogo": "CorePicture", "uploadWorkspaceMemberProfilePicture": "CorePicture", "uploadNewWorkspaceLogo": "CorePicture",
		"uploadFilesFieldFileByUniversalIdentifier": "FilesField", "uploadFile": "", "uploadImage": "",
	} {
		r["Mutation."+field] = func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			if field == "uploadNewWorkspaceLogo" {
				if _, err := workspaceArg(ctx, args); err != nil {
					return nil, err
				}
			}
			up, ok := args["file"].(*upload)
			if !ok {
				return nil, graphql.NewError(graphql.CodeBadUserInput, "The file must be sent as a multipart upload (GraphQL multipart request spec).")
			}
			f := folder
			if f == "" {
				if f = str(args, "fileFolder"); f == "" {
					f = "Attachment" // Twenty's default folder for uploadFile
				}
			}
			in := &filesv1.UploadFileRequest{
				WorkspaceId: ws, Filename: up.name, ContentType: up.contentType, FileFolder: f, Body: up.body,
				Uploader: uploader(ctx), ServerUrl: serverURL(ctx),
			}
			var file *filesv1.File
			if up.stream != nil {
				if file, err = uploadStreamed(ctx, files, streams, up, in); err != nil {
					return nil, err
				}
			} else {
				res, err := files.UploadFile(ctx, in)
				if err != nil {
					return nil, fileGQLError(err)
				}
				file = res.GetFile()
			}
			if logoOperations[field] {
				if err := setLogo(ctx, ws, file); err != nil {
					return nil, err
				}
			}
			if field == "uploadFile" || field == "uploadImage" {
				return map[string]any{"path": file.GetPath(), "token": file.GetToken()}, nil
			}
			return fileWithSignedURL(file), nil
		}
	}
	return r
}

// errUserOnly is Twenty's refusal by UserAuthGuard of a token that is not a user's.
var errUserOnly = graphql.NewError(graphql.CodeForbidden, "Forbidden resource")

// fileWithSignedURL is Twenty's FileWithSignedUrl of a file.
func fileWithSignedURL(f *filesv1.File) map[string]any {
	return map[string]any{"id": f.GetId(), "path": f.GetPath(), "size": float64(f.GetSize()), "createdAt": f.GetCreatedAt(), "url": f.GetUrl()}
}

// fileGQLError maps the files Worker's errors to Twenty's GraphQL codes (FileUploadException's
// filter: a bad request, a missing upload or a size mismatch are the user's to fix).
func fileGQLError(err error) error {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("files: %w", err)
	}
	msg := ce.Message()
	switch ce.Code() {
	case connect.CodeInvalidArgument, connect.CodeFailedPrecondition, connect.CodeResourceExhausted:
		return graphql.NewError(graphql.CodeBadUserInput, msg).WithExtension("userFriendlyMessage", msg)
	case connect.CodeNotFound:
		return graphql.NewError(graphql.CodeNotFound, "File not found")
	case connect.CodePermissionDenied:
		return graphql.NewError(graphql.CodeForbidden, msg)
	}
	return gqlError(err)
}

// withServerURL puts the request's public origin in its context for the file resolvers.
func withServerURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), serverURLKey{}, requestOrigin(r))))
	})
}
