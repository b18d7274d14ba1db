package server

import (
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
)

// inboxHTML is the development inbox page (user-asks rows 1–6): a
// Mailhog-like view of /_userpool/messages. It is one self-contained
// document; its script renders every message value as text and long-polls
// the JSON API for new messages.
//
//go:embed inbox/inbox.html
var inboxHTML string

// serveInbox serves GET /_userpool/inbox (only with --dev). The page's one
// inline <script> and <style> carry a fresh nonce, and the CSP allows
// nothing else: no other script or style, no images, no frames, and
// fetches only to this origin.
func serveInbox(w http.ResponseWriter, _ *http.Request) {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	nonce := base64.StdEncoding.EncodeToString(b)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+
		"'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	_, _ = io.WriteString(w, strings.ReplaceAll(inboxHTML, "{{nonce}}", nonce))
}
