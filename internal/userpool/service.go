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
	// AccountID goes into pool ARNs.
	AccountID string
}

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
	key, err := st.GetOrCreateSetting(ctx, "session-key", randomBytes(32))
	if err != nil {
		return nil, err
	}
	return &Service{store: st, hasher: h, clock: clock, log: log, cfg: cfg,
		keys: map[string]*signingKey{}, sessionKey: key}, nil
}

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }
