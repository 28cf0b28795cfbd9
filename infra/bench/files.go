package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"text/tabwriter"
	"time"
)

// The files figures time Twenty's file API on a stack: a large file's direct upload (the PUT to
// the upload URL, streamed by the gateway's and the files Worker's JavaScript into R2) and its
// download (R2 streamed out), in MB/s; then n small files (100 KB) each uploaded whole
// (createFileUpload, PUT, completeFileUpload) and downloaded, with p50/p99 of each step.

type uploadTarget struct{ FileID, UploadURL, ContentType string }
type signedFile struct{ ID, URL string }

// fileSession is a workspace's access token; each may send Twenty's 100 GraphQL calls a minute.
type fileSession struct {
	tg     *target
	access string
	calls  int
}

// filesPerWorkspace keeps a workspace's GraphQL calls (two per upload) under its rate limit.
const filesPerWorkspace = 45

func (s *fileSession) upload(ctx context.Context, body []byte) (file signedFile, create, put, complete time.Duration, err error) {
	var c struct{ CreateFileUpload uploadTarget }
	if create, err = gqlCall(ctx, s.tg, s.access, `mutation($n:String!,$s:Float!){createFileUpload(filename:$n,size:$s,fileFolder:FilesField){fileId uploadUrl contentType}}`,
		map[string]any{"n": "bench.bin", "s": len(body)}, &c); err != nil {
		return file, 0, 0, 0, err
	}
	start := time.Now()
	status, err := s.transfer(ctx, http.MethodPut, c.CreateFileUpload.UploadURL, body)
	put = time.Since(start)
	if err != nil || status != http.StatusNoContent {
		return file, 0, 0, 0, fmt.Errorf("PUT %d bytes: status %d: %v", len(body), status, err)
	}
	var done struct{ CompleteFileUpload signedFile }
	complete, err = gqlCall(ctx, s.tg, s.access, `mutation($id:String!){completeFileUpload(fileId:$id){id url}}`, map[string]any{"id": c.CreateFileUpload.FileID}, &done)
	s.calls += 2
	return done.CompleteFileUpload, create, put, complete, err
}

// transfer sends one request to an absolute URL of the stack and reads the answer to the end,
// discarding it; for a GET it checks the length.
func (s *fileSession) transfer(ctx context.Context, method, rawURL string, body []byte) (int, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, err
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.tg.base+u.RequestURI(), r)
	if err != nil {
		return 0, err
	}
	res, err := s.tg.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

func (tg *target) fileSession(ctx context.Context) (*fileSession, error) {
	_, _, access, err := signUp(ctx, tg)
	if err != nil {
		return nil, fmt.Errorf("files figures: sign-up flow: %w", err)
	}
	return &fileSession{tg: tg, access: access}, nil
}

// fileFigures uploads and downloads one file of bigMB megabytes (three rounds, the median shown)
// and n files of 100 KB.
func fileFigures(ctx context.Context, w, stderr io.Writer, tg *target, n, bigMB int) error {
	s, err := tg.fileSession(ctx)
	if err != nil {
		return err
	}
	big := make([]byte, bigMB<<20)
	_, _ = rand.Read(big)
	fmt.Fprintf(stderr, "bench: files: %d MB up and down, 3 rounds\n", bigMB)
	var ups, downs []float64
	for range 3 {
		f, _, put, _, err := s.upload(ctx, big)
		if err != nil {
			return fmt.Errorf("files figures: %d MB upload: %w", bigMB, err)
		}
		start := time.Now()
		if status, err := s.transfer(ctx, http.MethodGet, f.URL, nil); err != nil || status != http.StatusOK {
			return fmt.Errorf("files figures: %d MB download: status %d: %v", bigMB, status, err)
		}
		downs = append(downs, float64(bigMB)/time.Since(start).Seconds())
		ups = append(ups, float64(bigMB)/put.Seconds())
	}
	sort.Float64s(ups)
	sort.Float64s(downs)

	small := make([]byte, 100<<10)
	_, _ = rand.Read(small)
	fmt.Fprintf(stderr, "bench: files: %d files of 100 KB\n", n)
	var whole, puts, gets []time.Duration
	for i := 0; i < n && ctx.Err() == nil; i++ {
		if s.calls >= 2*filesPerWorkspace {
			if s, err = tg.fileSession(ctx); err != nil {
				return err
			}
		}
		start := time.Now()
		f, _, put, _, err := s.upload(ctx, small)
		if err != nil {
			return fmt.Errorf("files figures: 100 KB upload: %w", err)
		}
		whole = append(whole, time.Since(start))
		puts = append(puts, put)
		start = time.Now()
		if status, err := s.transfer(ctx, http.MethodGet, f.URL, nil); err != nil || status != http.StatusOK {
			return fmt.Errorf("files figures: 100 KB download: status %d: %v", status, err)
		}
		gets = append(gets, time.Since(start))
	}

	fmt.Fprintf(w, "\nfiles: direct upload (PUT /file-upload/{id}, streamed to R2) and download (GET /file/…, streamed from R2)\n")
	fmt.Fprintf(w, "  %d MB file: upload %.0f MB/s, download %.0f MB/s (median of 3; min–max %.0f–%.0f and %.0f–%.0f)\n",
		bigMB, ups[1], downs[1], ups[0], ups[2], downs[0], downs[2])
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "100 KB files (n=%d)\tp50\tp90\tp99\tmax\t\n", len(whole))
	for _, row := range []struct {
		name string
		d    []time.Duration
	}{{"create + PUT + complete", whole}, {"PUT alone", puts}, {"download", gets}} {
		sort.Slice(row.d, func(i, j int) bool { return row.d[i] < row.d[j] })
		st := Summarize(row.d)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", row.name, millis(st.P50), millis(st.P90), millis(st.P99), millis(st.Max))
	}
	return tw.Flush()
}
