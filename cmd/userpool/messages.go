package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/userpool"
)

// messagesOptions are `userpool messages`' flags.
type messagesOptions struct {
	endpoint, key                string
	pool, user, dest, purpose    string
	after                        string // a message ID or an RFC 3339 time
	limit                        int
	wait                         time.Duration
	asJSON, codeOnly, clearInbox bool
	newestID                     bool
}

func parseMessages(args []string, getenv func(string) string, stdout io.Writer) (*messagesOptions, error) {
	o := &messagesOptions{}
	fs := newFlagSet("userpool messages", stdout)
	fs.StringVar(&o.endpoint, "endpoint", "http://127.0.0.1:9229", "the server's URL")
	fs.StringVar(&o.pool, "pool", "", "only this user pool ID")
	fs.StringVar(&o.user, "user", "", "only this user (username, alias or sub; needs --pool)")
	fs.StringVar(&o.dest, "destination", "", "only this email address or phone number")
	fs.StringVar(&o.purpose, "purpose", "", "only this purpose: "+strings.Join(userpool.MessagePurposes(), ", "))
	fs.StringVar(&o.after, "after", "", "only messages after this message ID, or created after this RFC 3339 time (the server's clock)")
	fs.IntVar(&o.limit, "limit", 20, "at most this many messages")
	fs.DurationVar(&o.wait, "wait", 0, "wait this long for a message newer than the moment the command started (with --after: newer than that)")
	fs.BoolVar(&o.asJSON, "json", false, "print the API's JSON instead of a table")
	fs.BoolVar(&o.codeOnly, "code", false, "print only the newest message's code (fail, saying why, if it was suppressed)")
	fs.BoolVar(&o.clearInbox, "clear", false, "delete the --pool's messages (those still pending delivery stay)")
	fs.BoolVar(&o.newestID, "newest-id", false, "print the newest message's ID (0: none), a starting point for a later --after")
	fs.StringVar(&o.key, "admin-key", "", "AKID:SECRET for a server started with --dev-listen-public")
	if err := parseWithEnv(fs, args, getenv); err != nil {
		return nil, err
	}
	if o.clearInbox {
		if o.pool == "" {
			return nil, errors.New("--clear needs --pool: it clears one pool's inbox")
		}
		if o.user != "" || o.dest != "" || o.purpose != "" || o.after != "" || o.codeOnly || o.wait > 0 {
			return nil, errors.New("--clear deletes all of a pool's messages: it takes no --user, --destination, --purpose, --after, --code or --wait")
		}
	}
	return o, nil
}

// query turns the filters into GET /_userpool/messages parameters.
func (o *messagesOptions) query() (url.Values, error) {
	q := url.Values{"limit": {strconv.Itoa(o.limit)}, "wait": {strconv.FormatFloat(o.wait.Seconds(), 'f', -1, 64)}}
	for k, v := range map[string]string{"userPoolId": o.pool, "username": o.user, "destination": o.dest, "purpose": o.purpose} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if o.after != "" {
		if _, err := strconv.ParseInt(o.after, 10, 64); err == nil {
			q.Set("after", o.after)
		} else if _, err := time.Parse(time.RFC3339Nano, o.after); err == nil {
			q.Set("since", o.after)
		} else {
			return nil, fmt.Errorf("--after %q: want a message ID or an RFC 3339 time such as 2025-01-02T03:04:05Z", o.after)
		}
	}
	return q, nil
}

// messages implements `userpool messages`: it reads a --dev server's inbox
// over HTTP, so a shell script or a person can get a code in one command.
func messages(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseMessages(args, getenv, stdout)
	if err != nil {
		return err
	}
	dev := devAPI{base: strings.TrimRight(o.endpoint, "/"), key: o.key}
	switch {
	case o.clearInbox:
		return clearInbox(ctx, dev, o, stdout)
	case o.newestID:
		id, err := dev.newestID(ctx)
		if err == nil {
			_, err = fmt.Fprintln(stdout, id)
		}
		return err
	}
	q, err := o.query()
	if err != nil {
		return err
	}
	if o.wait > 0 && o.after == "" {
		if err := startFromNewest(ctx, dev, q, o.wait, stderr); err != nil {
			return err
		}
	}
	body, err := dev.call(ctx, http.MethodGet, "/_userpool/messages?"+q.Encode(), o.wait)
	if err != nil {
		return err
	}
	var doc struct {
		Messages []userpool.InboxMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("unexpected answer from %s: %w", o.endpoint, err)
	}
	switch {
	case o.asJSON:
		_, err = stdout.Write(body)
		return err
	case o.codeOnly:
		return printCode(stdout, doc.Messages, o.wait)
	}
	return printMessages(stdout, doc.Messages)
}

// startFromNewest makes q wait for a message newer than this moment: a new
// code, never an old one. The moment is the newest message ID now, in the
// server's terms, which no clock skew or moved development clock can
// shift. It says so on stderr, which also tells a test driving the command
// when to request the code.
func startFromNewest(ctx context.Context, dev devAPI, q url.Values, wait time.Duration, stderr io.Writer) error {
	newest, err := dev.newestID(ctx)
	if err != nil {
		return err
	}
	q.Set("after", strconv.FormatInt(newest, 10))
	fmt.Fprintf(stderr, "userpool messages: waiting up to %s for a message newer than #%d\n", wait, newest)
	return nil
}

// printCode prints the newest message's code. A suppressed newest message
// (a simulated answer: unknown, disabled or unverified user) is an error
// that says why no code came, rather than an older code or a bare "none".
func printCode(w io.Writer, msgs []userpool.InboxMessage, waited time.Duration) error {
	if len(msgs) == 0 {
		if waited > 0 {
			return fmt.Errorf("no new message within %s", waited)
		}
		return errors.New("no message matches")
	}
	m := msgs[0]
	switch {
	case m.Status == store.MessageSuppressed:
		return fmt.Errorf("the newest message (#%d, %s for %s) was suppressed (%s): no code was sent",
			m.ID, m.Purpose, m.Username, m.SuppressedReason)
	case m.Code == "":
		return fmt.Errorf("the newest message (#%d, %s for %s) has no code", m.ID, m.Purpose, m.Username)
	}
	_, err := fmt.Fprintln(w, m.Code)
	return err
}

// clearInbox implements --clear: DELETE /_userpool/messages?userPoolId=.
func clearInbox(ctx context.Context, dev devAPI, o *messagesOptions, stdout io.Writer) error {
	body, err := dev.call(ctx, http.MethodDelete, "/_userpool/messages?"+url.Values{"userPoolId": {o.pool}}.Encode(), 0)
	if err != nil {
		return err
	}
	if o.asJSON {
		_, err = stdout.Write(body)
		return err
	}
	var doc struct {
		Deleted int64 `json:"deleted"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("unexpected answer from %s: %w", o.endpoint, err)
	}
	plural := "s"
	if doc.Deleted == 1 {
		plural = ""
	}
	_, err = fmt.Fprintf(stdout, "deleted %d message%s of %s\n", doc.Deleted, plural, o.pool)
	return err
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
