package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/userpool/userpool/internal/userpool"
)

// messages implements `userpool messages`: it reads a --dev server's inbox
// over HTTP, so a shell script or a person can get a code in one command.
func messages(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("userpool messages", stdout)
	endpoint := fs.String("endpoint", "http://127.0.0.1:9229", "the server's URL")
	pool := fs.String("pool", "", "only this user pool ID")
	user := fs.String("user", "", "only this user (username, alias or sub; needs --pool)")
	dest := fs.String("destination", "", "only this email address or phone number")
	limit := fs.Int("limit", 20, "at most this many messages")
	wait := fs.Duration("wait", 0, "wait this long for a message when there is none yet")
	asJSON := fs.Bool("json", false, "print the API's JSON instead of a table")
	codeOnly := fs.Bool("code", false, "print only the newest message's code")
	key := fs.String("admin-key", "", "AKID:SECRET for a server started with --dev-listen-public")
	if err := parseWithEnv(fs, args, getenv); err != nil {
		return err
	}
	q := url.Values{"limit": {strconv.Itoa(*limit)}, "wait": {strconv.FormatFloat(wait.Seconds(), 'f', -1, 64)}}
	for k, v := range map[string]string{"userPoolId": *pool, "username": *user, "destination": *dest} {
		if v != "" {
			q.Set(k, v)
		}
	}
	body, err := fetchInbox(ctx, strings.TrimRight(*endpoint, "/")+"/_userpool/messages?"+q.Encode(), *wait, *key)
	if err != nil {
		return err
	}
	var doc struct {
		Messages []userpool.InboxMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("unexpected answer from %s: %w", *endpoint, err)
	}
	switch {
	case *asJSON:
		_, err = stdout.Write(body)
		return err
	case *codeOnly:
		if len(doc.Messages) == 0 || doc.Messages[0].Code == "" {
			return fmt.Errorf("no message with a code")
		}
		_, err = fmt.Fprintln(stdout, doc.Messages[0].Code)
		return err
	}
	return printMessages(stdout, doc.Messages)
}

func fetchInbox(ctx context.Context, u string, wait time.Duration, key string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, wait+30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound && !strings.Contains(string(body), `"error"`) {
		return nil, fmt.Errorf("%s has no development API: start it with --dev", u)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s: %s", u, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}

func printMessages(w io.Writer, msgs []userpool.InboxMessage) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME\tPOOL\tUSER\tPURPOSE\tTO\tCODE\tSTATUS")
	for _, m := range msgs {
		status := m.Status
		if m.SuppressedReason != "" {
			status += " (" + m.SuppressedReason + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.CreatedAt.Format(time.RFC3339), m.UserPoolId,
			m.Username, m.Purpose, m.Destination, m.Code, status)
	}
	return tw.Flush()
}
