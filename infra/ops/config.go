package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// services are the Workers, each services/<name>/wrangler.jsonc.
var services = []string{"gateway", "auth", "records", "files", "jobs", "realtime"}

// wranglerConfig is what ops reads of a wrangler.jsonc: the top level (the local stack) and each
// environment's section carry the same bindings.
type wranglerConfig struct {
	bindings
	Env map[string]bindings `json:"env"`
}

type bindings struct {
	Name        string `json:"name"`
	D1Databases []struct {
		Binding      string `json:"binding"`
		DatabaseName string `json:"database_name"`
		DatabaseID   string `json:"database_id"`
	} `json:"d1_databases"`
	KV []struct {
		Binding string `json:"binding"`
		ID      string `json:"id"`
	} `json:"kv_namespaces"`
	Services []struct {
		Binding string `json:"binding"`
		Service string `json:"service"`
	} `json:"services"`
	Analytics []struct {
		Binding string `json:"binding"`
		Dataset string `json:"dataset"`
	} `json:"analytics_engine_datasets"`
}

// stack is every Worker's config, read from root.
type stack struct {
	root    string
	configs map[string]wranglerConfig
}

func loadStack(root string) (*stack, error) {
	s := &stack{root: root, configs: map[string]wranglerConfig{}}
	for _, svc := range services {
		b, err := os.ReadFile(filepath.Join(root, s.configPath(svc)))
		if err != nil {
			return nil, err
		}
		var c wranglerConfig
		if err := json.Unmarshal(stripJSONC(b), &c); err != nil {
			return nil, fmt.Errorf("%s: %w", s.configPath(svc), err)
		}
		s.configs[svc] = c
	}
	return s, nil
}

func (s *stack) configPath(svc string) string { return "services/" + svc + "/wrangler.jsonc" }

// in answers svc's bindings in env ("" is the local stack).
func (s *stack) in(svc, env string) (bindings, error) {
	c := s.configs[svc]
	if env == "" {
		return c.bindings, nil
	}
	b, ok := c.Env[env]
	if !ok {
		return bindings{}, fmt.Errorf("%s has no environment %q", s.configPath(svc), env)
	}
	if b.Name == "" {
		b.Name = c.Name + "-" + env
	}
	return b, nil
}

// callees lists the Workers svc calls through service bindings (itself aside).
func (s *stack) callees(svc string) []string {
	var out []string
	for _, b := range s.configs[svc].Services {
		callee := strings.TrimPrefix(b.Service, "twenty-")
		if callee != svc && slices.Contains(services, callee) && !slices.Contains(out, callee) {
			out = append(out, callee)
		}
	}
	sort.Strings(out)
	return out
}

// callers lists the Workers that call svc.
func (s *stack) callers(svc string) []string {
	var out []string
	for _, c := range services {
		if slices.Contains(s.callees(c), svc) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// deployOrder puts every Worker after the Workers it calls: callees first, the gateway last.
func (s *stack) deployOrder() []string {
	var out []string
	done := map[string]bool{}
	var visit func(string)
	visit = func(svc string) {
		if done[svc] {
			return
		}
		done[svc] = true
		for _, c := range s.callees(svc) {
			visit(c)
		}
		out = append(out, svc)
	}
	sorted := slices.Clone(services)
	sort.Strings(sorted)
	for _, svc := range sorted {
		visit(svc)
	}
	return out
}

// database is one D1 database of an environment.
type database struct {
	Binding, Name, ID string
}

// databases lists the environment's D1 databases: the control database, then the records
// Worker's shards (DB_0, DB_1, ...).
func (s *stack) databases(env string) ([]database, error) {
	b, err := s.in("records", env)
	if err != nil {
		return nil, err
	}
	var out []database
	for _, d := range b.D1Databases {
		out = append(out, database{Binding: d.Binding, Name: d.DatabaseName, ID: d.DatabaseID})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Binding == "CONTROL" && out[j].Binding != "CONTROL" })
	if len(out) == 0 || out[0].Binding != "CONTROL" {
		return nil, fmt.Errorf("services/records/wrangler.jsonc (%s) binds no CONTROL database", envName(env))
	}
	return out, nil
}

// placeholders lists the ids in env's configs still holding the committed placeholders
// (00000000…), which a real deploy must not use.
func (s *stack) placeholders(env string) []string {
	var out []string
	for _, svc := range services {
		b, err := s.in(svc, env)
		if err != nil {
			continue
		}
		for _, d := range b.D1Databases {
			if strings.HasPrefix(d.DatabaseID, "00000000") {
				out = append(out, fmt.Sprintf("%s: d1 %s (%s)", s.configPath(svc), d.Binding, d.DatabaseName))
			}
		}
		for _, k := range b.KV {
			if strings.HasPrefix(k.ID, "00000000") {
				out = append(out, fmt.Sprintf("%s: kv %s", s.configPath(svc), k.Binding))
			}
		}
	}
	return out
}

// dataset is the Analytics Engine dataset the gateway writes in env.
func (s *stack) dataset(env string) (string, error) {
	b, err := s.in("gateway", env)
	if err != nil {
		return "", err
	}
	for _, a := range b.Analytics {
		if a.Binding == "METRICS" {
			return a.Dataset, nil
		}
	}
	return "", fmt.Errorf("services/gateway/wrangler.jsonc (%s) binds no METRICS dataset", envName(env))
}

func envName(env string) string {
	if env == "" {
		return "local"
	}
	return env
}

// stripJSONC removes comments and trailing commas, outside strings, so that encoding/json reads
// a wrangler.jsonc.
func stripJSONC(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			out = append(out, c)
			if c == '\\' && i+1 < len(b) {
				out = append(out, b[i+1])
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			out = append(out, c)
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			out = append(out, '\n')
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			i += 2
			for i+1 < len(b) && !(b[i] == '*' && b[i+1] == '/') {
				i++
			}
			i++
		case c == ']' || c == '}':
			// drop a trailing comma before the closing bracket
			j := len(out) - 1
			for j >= 0 && (out[j] == ' ' || out[j] == '\n' || out[j] == '\t' || out[j] == '\r') {
				j--
			}
			if j >= 0 && out[j] == ',' {
				out = append(out[:j], out[j+1:]...)
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}
