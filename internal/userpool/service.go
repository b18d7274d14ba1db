package userpool

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/userpool/userpool/internal/passhash"
	"github.com/userpool/userpool/internal/store"
)

// Clock tells the time. All time-dependent rules (token expiry, code expiry,
// limit windows) read it, so tests and the development API can move it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Config holds the plain values the Service needs; cmd/userpool fills it.
type Config struct {
	Region string
	// IssuerBase is the URL tokens are issued under: iss = IssuerBase + "/" + poolID.
	IssuerBase string
	// HostedBase is the URL the hosted domains are served under (IssuerBase
	// if empty): a domain's endpoints are HostedBase + "/_domain/<domain>/…"
	// (internal/hosted), as the discovery document advertises them.
	HostedBase string
	// AccountID goes into pool ARNs.
	AccountID string
	// Limits are the per-user attempt limits (DefaultLimits if zero).
	Limits Limits
	// FixedCode, when set, is every code's value (development only).
	FixedCode string
	// CodeKey is the HMAC key codes are stored under; when empty, a random
	// key is generated once and kept in the store.
	CodeKey []byte
	// MessageQueued, when set, is called after a message to deliver was
	// committed to the outbox, with its medium ("EMAIL" or "SMS"): the
	// delivery worker wakes on it and metrics count it.
	MessageQueued func(medium string)
	// MessageSimulated, when set, is called once per simulated answer
	// (PreventUserExistenceErrors=ENABLED, spec §2.7: an unknown, disabled
	// or unreachable user told a code was sent), after its suppressed
	// record committed, with the medium the answer claims ("EMAIL" or
	// "SMS"). Nothing was queued and nothing will be delivered, so it is a
	// hook of its own rather than MessageQueued, which wakes the delivery
	// worker: metrics count the answer as they count a real message of
	// that medium, so that public series move alike for real and unknown
	// users (issue 13 item 4). A refused request (limit, error) calls
	// neither hook.
	MessageSimulated func(medium string)
	// InboxOnly, when set, reports the media without a delivery channel
	// (the laptop and CI case): with Dev their messages are queued as kept
	// for the development inbox, so the delivery worker never has to touch
	// them; without Dev they are not kept at all (outbox.go).
	InboxOnly func(medium string) bool
	// Invoker calls the pools' Lambda triggers; nil means pools with a
	// LambdaConfig get UnexpectedLambdaException.
	Invoker Invoker
	// RecoveryRate caps ForgotPassword + ConfirmForgotPassword requests per
	// second per pool in this process (0: no cap); see recovery_rate.go.
	RecoveryRate float64
	// Dev says the development API is served (serve --dev): only then can
	// anyone read the outbox's suppressed records, so only then do they
	// keep the name that was typed (simulate.go).
	Dev bool
	// MessageRetention is how long finished messages (sent, dead, inbox,
	// suppressed) are kept before Sweep deletes them
	// (DefaultMessageRetention if zero).
	MessageRetention time.Duration
}

// DefaultMessageRetention is how long finished outbox messages are kept
// unless Config.MessageRetention says otherwise: a week, enough to look
// into a delivery complaint, short enough that a flood of requests for
// unknown names cannot fill the disk.
const DefaultMessageRetention = 7 * 24 * time.Hour

// Service implements the Cognito operations.
type Service struct {
	store  store.Store
	hasher *passhash.Hasher
	clock  Clock
	log    *slog.Logger
	cfg    Config

	// keys caches parsed signing keys per pool; they never change once written.
	keysMu sync.Mutex
	keys   map[string]*signingKey
	// sessionKey authenticates challenge sessions; loaded once from the store.
	sessionKey []byte
	// dummyHash makes unknown users cost one hash verification (auth.go).
	dummyOnce sync.Once
	dummyHash string
	// codeKey is the HMAC key of stored codes (codes.go).
	codeKey []byte
	// msgSignal wakes inbox long polls (inbox.go).
	msgSignal signal
	// poolDocs and clientDocs cache decoded settings (decoded.go).
	poolDocs   decoded[poolDoc]
	clientDocs decoded[clientDoc]
	// recovery is the per-pool recovery request rate (recovery_rate.go).
	recovery *recoveryRate
}

// New returns a Service. It loads (or creates, once) the server secret that
// authenticates challenge sessions.
func New(ctx context.Context, st store.Store, h *passhash.Hasher, clock Clock, log *slog.Logger, cfg Config) (*Service, error) {
	if clock == nil {
		clock = SystemClock{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "000000000000"
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	if cfg.Limits.SignInLockout <= 0 {
		cfg.Limits.SignInLockout = DefaultLimits.SignInLockout
	}
	if cfg.MessageRetention <= 0 {
		cfg.MessageRetention = DefaultMessageRetention
	}
	key, err := st.GetOrCreateSetting(ctx, "session-key", randomBytes(32))
	if err != nil {
		return nil, err
	}
	codeKey := cfg.CodeKey
	if len(codeKey) == 0 {
		// Generated once and persisted, so codes survive restarts and every
		// instance on the same database agrees on it.
		if codeKey, err = st.GetOrCreateSetting(ctx, "code-hmac-key", randomBytes(32)); err != nil {
			return nil, err
		}
	}
	s := &Service{store: st, hasher: h, clock: clock, log: log, cfg: cfg,
		keys: map[string]*signingKey{}, sessionKey: key, codeKey: codeKey, recovery: newRecoveryRate(cfg.RecoveryRate)}
	// On the development clock: clamp what a previous run stamped ahead of
	// the time this one starts at, and whatever the clock leaves ahead when
	// it moves back (devclock.go).
	if dc, ok := clock.(*DevClock); ok {
		if err := s.clampFuture(ctx); err != nil {
			return nil, err
		}
		dc.OnRewind(s.clampFuture)
	}
	return s, nil
}

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }
