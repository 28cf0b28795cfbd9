package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestParseConfig checks the Worker's vars as main.go reads them: Twenty's defaults when unset,
// and each var when set.
func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		want config
	}{
		{
			name: "unset",
			want: config{
				CORS:            parseCORS("*"),
				FrontendURL:     "http://localhost:3001",
				RateLimitPeriod: time.Minute,
			},
		},
		{
			name: "set",
			vars: map[string]string{
				"CORS_ALLOWED_ORIGINS":      "https://a.example, https://b.example/",
				"DEV_ROUTES":                "true",
				"FRONTEND_URL":              "https://app.example/",
				"APP_SECRET":                "s3cret",
				"RATE_LIMIT_PERIOD_SECONDS": "10",
			},
			want: config{
				CORS:            parseCORS("https://a.example,https://b.example"),
				DevRoutes:       true,
				FrontendURL:     "https://app.example",
				LegacyAppSecret: "s3cret",
				RateLimitPeriod: 10 * time.Second,
			},
		},
		{
			name: "blank origins and a period that is not a positive integer",
			vars: map[string]string{
				"CORS_ALLOWED_ORIGINS":      "  ",
				"DEV_ROUTES":                "1",
				"RATE_LIMIT_PERIOD_SECONDS": "-5",
			},
			want: config{
				CORS:            parseCORS("*"),
				FrontendURL:     "http://localhost:3001",
				RateLimitPeriod: time.Minute,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseConfig(func(name string) string { return tc.vars[name] })
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(corsPolicy{})); diff != "" {
				t.Errorf("parseConfig (-want +got):\n%s", diff)
			}
		})
	}
}
