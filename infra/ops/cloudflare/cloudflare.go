// Package cloudflare is the one layer through which the operations CLI (infra/ops) talks to
// Cloudflare: every wrangler invocation and every call of Cloudflare's HTTP API is a Command run by
// a Runner. Exec runs them for real (node_modules/.bin/wrangler, the Analytics Engine SQL API);
// DryRun prints the exact command lines instead and answers nothing; tests use a fake that
// records the commands and answers scripted outputs. Commands that change nothing (Reads) are
// the ones a dry run may not answer: the callers treat an empty answer as "unknown".
package cloudflare

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Command is one invocation: wrangler with Args, or (HTTP set) a request to Cloudflare's API.
type Command struct {
	// Args are wrangler's arguments (without "wrangler").
	Args []string
	// HTTP is set for an API call instead of wrangler.
	HTTP *HTTPCall
	// Read marks a command that changes nothing: a dry run prints it and answers it empty.
	Read bool
	// Stdin is given to the command (wrangler secret put reads the secret from it).
	Stdin []byte
}

// HTTPCall is a request to api.cloudflare.com, authenticated with CLOUDFLARE_API_TOKEN.
type HTTPCall struct {
	Method string
	// Path follows https://api.cloudflare.com/client/v4; $CLOUDFLARE_ACCOUNT_ID is replaced.
	Path string
	Body string
}

// APIBase is Cloudflare's API.
const APIBase = "https://api.cloudflare.com/client/v4"

// String is the command as a shell line: what a dry run prints and golden tests compare.
func (c Command) String() string {
	if c.HTTP != nil {
		s := fmt.Sprintf("curl -sS -X %s %s%s -H 'Authorization: Bearer $CLOUDFLARE_API_TOKEN'", c.HTTP.Method, APIBase, c.HTTP.Path)
		if c.HTTP.Body != "" {
			s += " --data-binary " + quote(c.HTTP.Body)
		}
		return s
	}
	parts := []string{"wrangler"}
	for _, a := range c.Args {
		parts = append(parts, quote(a))
	}
	s := strings.Join(parts, " ")
	if c.Stdin != nil {
		s += " < (secret on stdin)"
	}
	return s
}

// quote quotes a shell word when it needs it.
func quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,$<>", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Runner runs commands. Run answers the command's standard output; Stream copies it to w as it
// comes (wrangler tail).
type Runner interface {
	Run(ctx context.Context, c Command) ([]byte, error)
	Stream(ctx context.Context, c Command, w io.Writer) error
}

// DryRun prints every command to Out, one line each, and runs none: reads answer empty.
type DryRun struct{ Out io.Writer }

// Run implements Runner.
func (d DryRun) Run(_ context.Context, c Command) ([]byte, error) {
	fmt.Fprintln(d.Out, "  $ "+c.String())
	return nil, nil
}

// Stream implements Runner.
func (d DryRun) Stream(ctx context.Context, c Command, _ io.Writer) error {
	_, err := d.Run(ctx, c)
	return err
}

// Exec runs wrangler from the repository's node_modules (Root) and calls the API over HTTPS.
type Exec struct {
	Root string
	// Log, when set, gets each command line before it runs.
	Log io.Writer
	// Client is the HTTP client of API calls; nil is http.DefaultClient.
	Client *http.Client
}

// Run implements Runner.
func (e Exec) Run(ctx context.Context, c Command) ([]byte, error) {
	var out bytes.Buffer
	err := e.Stream(ctx, c, &out)
	return out.Bytes(), err
}

// Stream implements Runner.
func (e Exec) Stream(ctx context.Context, c Command, w io.Writer) error {
	if e.Log != nil {
		fmt.Fprintln(e.Log, "  $ "+c.String())
	}
	if c.HTTP != nil {
		return e.api(ctx, c.HTTP, w)
	}
	cmd := exec.CommandContext(ctx, filepath.Join(e.Root, "node_modules", ".bin", "wrangler"), c.Args...)
	cmd.Dir = e.Root
	// The repository's Node 22 and wrangler come first (make does the same).
	bin := filepath.Join(e.Root, "node_modules", ".bin")
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "WRANGLER_SEND_METRICS=false", "NO_COLOR=1", "CI=true")
	if c.Stdin != nil {
		cmd.Stdin = bytes.NewReader(c.Stdin)
	}
	var stderr tail
	cmd.Stdout, cmd.Stderr = w, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("wrangler %s: %w\n%s", strings.Join(c.Args, " "), err, stderr.String())
	}
	return nil
}

func (e Exec) api(ctx context.Context, h *HTTPCall, w io.Writer) error {
	token, account := os.Getenv("CLOUDFLARE_API_TOKEN"), os.Getenv("CLOUDFLARE_ACCOUNT_ID")
	if token == "" || account == "" {
		return errors.New("set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID")
	}
	req, err := http.NewRequestWithContext(ctx, h.Method, APIBase+strings.ReplaceAll(h.Path, "$CLOUDFLARE_ACCOUNT_ID", account), strings.NewReader(h.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	client := e.Client
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", h.Method, h.Path, err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return fmt.Errorf("%s %s: %s: %s", h.Method, h.Path, res.Status, body)
	}
	_, err = io.Copy(w, res.Body)
	return err
}

// tail keeps the last 8 KB written to it: a failed command's stderr, for its error.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 8192 {
		t.buf = t.buf[len(t.buf)-8192:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	s := bufio.NewScanner(bytes.NewReader(t.buf))
	for s.Scan() {
		b.WriteString("  " + s.Text() + "\n")
	}
	return b.String()
}
