package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// composeFile is the part of compose.yaml these checks read.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Command     []string          `yaml:"command"`
		EnvFile     any               `yaml:"env_file"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
}

// TestComposeFile: compose.yaml is valid YAML naming userpool (built from
// this Dockerfile), PostgreSQL 15 and Mailpit; every service has a
// shell-less healthcheck and userpool waits for the others to be healthy;
// ports are published on the host's loopback only; and userpool's command
// and environment — admin keys from the env file — are accepted by this
// binary's own flag parser with the database on the postgres service, mail
// to Mailpit without TLS and the API on 0.0.0.0:9229.
func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(false)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	up, pg, mail := c.Services["userpool"], c.Services["postgres"], c.Services["mailpit"]
	if up.Build != "." || !strings.HasPrefix(pg.Image, "postgres:15") || !strings.HasPrefix(mail.Image, "axllent/mailpit:") {
		t.Errorf("services: userpool build %v, postgres %q, mailpit %q; want ., postgres:15, axllent/mailpit", up.Build, pg.Image, mail.Image)
	}
	want := map[string][]string{"userpool": {"CMD", "/userpool", "healthcheck"}, "postgres": {"CMD", "pg_isready"}, "mailpit": {"CMD", "/mailpit", "readyz"}}
	for name, prefix := range want {
		if got := c.Services[name].Healthcheck.Test; len(got) < len(prefix) || !slices.Equal(got[:len(prefix)], prefix) {
			t.Errorf("%s healthcheck %q, want it to start with %q", name, got, prefix)
		}
		if name != "userpool" && up.DependsOn[name].Condition != "service_healthy" {
			t.Errorf("userpool depends_on %s: %q, want service_healthy", name, up.DependsOn[name].Condition)
		}
	}
	for _, p := range slices.Concat(up.Ports, mail.Ports, pg.Ports) {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("port %q is published beyond the host's loopback", p)
		}
	}
	if !slices.Contains(up.Ports, "127.0.0.1:9229:9229") || !slices.Contains(mail.Ports, "127.0.0.1:8025:8025") || len(pg.Ports) != 0 {
		t.Errorf("ports: userpool %q, mailpit %q, postgres %q; want the API, Mailpit's UI, and no PostgreSQL", up.Ports, mail.Ports, pg.Ports)
	}
	if up.EnvFile != "userpool.env" {
		t.Errorf("userpool env_file %v, want userpool.env (the admin keys)", up.EnvFile)
	}

	// What the container would run, through the real parser: the env file
	// as the README tells you to create it, then the compose environment.
	env := map[string]string{"USERPOOL_ADMIN_KEYS": "AKIDLOCALADMIN:" + strings.Repeat("0", 40)}
	for k, v := range up.Environment {
		env[k] = v
	}
	if len(up.Command) == 0 || up.Command[0] != "serve" {
		t.Fatalf("userpool command %q, want serve …", up.Command)
	}
	cfg, err := parseServe(up.Command[1:], func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatalf("userpool's compose command is refused: %v", err)
	}
	if cfg.Addr != "0.0.0.0:9229" || !strings.HasPrefix(cfg.DB, "postgres://userpool:userpool@postgres:5432/") ||
		cfg.Delivery.SMTPURL != "smtp://mailpit:1025?tls=none" || cfg.Dev || len(cfg.AdminKeys) != 1 {
		t.Errorf("addr %q, db %q, smtp %q, dev %v, %d admin keys", cfg.Addr, cfg.DB, cfg.Delivery.SMTPURL, cfg.Dev, len(cfg.AdminKeys))
	}
	if pg.Environment["POSTGRES_USER"] != "userpool" || pg.Environment["POSTGRES_DB"] != "userpool" {
		t.Errorf("postgres environment %v does not match userpool's --db", pg.Environment)
	}
}
