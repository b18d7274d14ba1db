package delivery

import (
	"cmp"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/userpool/userpool/internal/store"
)

// compose builds the email for m. Its errors are about the message itself
// (an unparsable address), so the caller treats them as permanent.
func (s *SMTP) compose(m *store.Message) (*mail.Msg, error) {
	from := s.defaultFrom
	if m.From != "" {
		// The pool's EmailConfiguration.From overrides the server default.
		var err error
		if from, err = parseFrom(m.From); err != nil {
			return nil, fmt.Errorf("From: %w", err)
		}
	}
	msg := mail.NewMsg()
	msg.FromMailAddress(from)
	if err := msg.To(m.Destination); err != nil {
		return nil, fmt.Errorf("To: %w", err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("Reply-To: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(messageID(m.ID, from.Address))
	// The creation time, like the Message-ID, is the same on every resend.
	msg.SetDateWithValue(cmp.Or(m.CreatedAt, time.Now()))
	// RFC 3834: tells autoresponders (out-of-office replies) to stay quiet.
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	if looksLikeHTML(m.Body) {
		msg.SetBodyString(mail.TypeTextPlain, htmlToText(m.Body))
		msg.AddAlternativeString(mail.TypeTextHTML, m.Body)
	} else {
		msg.SetBodyString(mail.TypeTextPlain, m.Body)
	}
	return msg, nil
}

// messageID is the Message-ID (without angle brackets) of outbox message id:
// stable, so that a resend after a crash carries the same Message-ID as the
// first copy and a receiver or the user's mail client can recognise it.
func messageID(id int64, fromAddress string) string {
	_, domain, _ := strings.Cut(fromAddress, "@")
	return "userpool-outbox-" + strconv.FormatInt(id, 10) + "@" + strings.ToLower(domain)
}

// htmlTag matches what only markup looks like: a start or end tag with a
// letter right after "<" (so "a < b" or "<3" do not count), a comment or a
// doctype. An address in angle brackets ("<a@b.c>") has no space, "/" or
// ">" after its first word, so it does not match either.
var htmlTag = regexp.MustCompile(`(?i)</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>|<!--|<!doctype`)

// looksLikeHTML reports whether a body contains HTML markup. Cognito message
// templates may be HTML; a plain "Your code is 123456" is sent as text only.
func looksLikeHTML(body string) bool {
	return htmlTag.MatchString(body)
}

var (
	// Elements whose content is not text.
	htmlInvisible = regexp.MustCompile(`(?is)<(script|style|head|title)\b.*?</(?:script|style|head|title)\s*>`)
	htmlComment   = regexp.MustCompile(`(?s)<!--.*?-->`)
	// A link keeps its target, which is often the point of the message.
	htmlLink = regexp.MustCompile(`(?is)<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>(.*?)</a\s*>`)
	// Tags that end a line or a block.
	htmlBreak = regexp.MustCompile(`(?i)<br\s*/?>|</?(?:p|div|li|tr|h[1-6]|ul|ol|table|blockquote|pre)\b[^>]*>`)
	htmlAny   = regexp.MustCompile(`(?s)<[^>]*>`)
	blankRuns = regexp.MustCompile(`\n{3,}`)
	spaceRuns = regexp.MustCompile(`[ \t\r\f\v]+`)
)

// htmlToText derives the text/plain alternative of an HTML body: invisible
// elements and tags removed, links written as "text (url)", block ends as
// line breaks, entities unescaped. It is not a renderer, only a readable
// fallback for clients that do not show HTML.
func htmlToText(body string) string {
	s := htmlInvisible.ReplaceAllString(body, "")
	s = htmlComment.ReplaceAllString(s, "")
	// Whitespace in HTML source is layout, not text; line breaks come from
	// the tags below.
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	s = htmlLink.ReplaceAllStringFunc(s, func(a string) string {
		g := htmlLink.FindStringSubmatch(a)
		href := cmp.Or(g[1], g[2])
		text := strings.TrimSpace(htmlAny.ReplaceAllString(g[3], ""))
		if text == "" || html.UnescapeString(text) == html.UnescapeString(href) {
			return href
		}
		return text + " (" + href + ")"
	})
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlAny.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaceRuns.ReplaceAllString(strings.ReplaceAll(l, "\u00a0", " "), " "))
	}
	s = strings.Join(lines, "\n")
	return strings.TrimSpace(blankRuns.ReplaceAllString(s, "\n\n"))
}
