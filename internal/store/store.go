// Package store defines userpool's persistence contract: one Store interface,
// plain record types and sentinel errors. Backends (sqlite, later postgres)
// implement it with their own native SQL; the storetest package states the
// contract as executable tests that every backend must pass.
//
// The store knows nothing about Cognito rules. Normalisation (case folding of
// usernames, which attributes count as aliases) is decided by the caller and
// handed to the store as ready-made lookup keys.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned (possibly wrapped) when a record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned (possibly wrapped) when a write would violate a
// uniqueness rule: a duplicate ID, or a user lookup key already taken.
var ErrConflict = errors.New("store: conflict")

// KeyConflictError reports which user lookup key was already taken by another
// user. It matches ErrConflict with errors.Is.
type KeyConflictError struct {
	Kind  string // the UserKey.Kind that collided, e.g. "username" or "email"
	Value string
}

func (e *KeyConflictError) Error() string {
	return "store: conflict: user key " + e.Kind + " already in use"
}

// Is makes errors.Is(err, ErrConflict) true for key conflicts.
func (e *KeyConflictError) Is(target error) bool { return target == ErrConflict }

// Pool is a user pool. Config is the pool's settings document, serialised and
// owned by the domain layer; the store keeps it verbatim.
type Pool struct {
	ID        string
	Name      string
	Config    []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Client is an app client of a pool. Secret is empty for clients without a
// secret. Config is the client's settings document, owned by the domain layer.
type Client struct {
	ID        string
	PoolID    string
	Name      string
	Secret    string
	Config    []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Attribute is one user attribute, as Cognito stores it: a name and a string value.
type Attribute struct {
	Name  string
	Value string
}

// UserKey is one way to find a user inside a pool: Kind is e.g. "username",
// "sub", "email", "phone_number", "preferred_username"; Value is already
// normalised by the caller (for example lower-cased in case-insensitive pools).
// Within one pool a (Kind, Value) pair belongs to at most one user.
type UserKey struct {
	Kind  string
	Value string
}

// User is a user of a pool. Username is the canonical, stored username (as the
// user or the pool generated it); Keys are the lookup keys that resolve to it.
type User struct {
	PoolID       string
	Username     string
	Sub          string
	Status       string
	Enabled      bool
	PasswordHash string
	Attributes   []Attribute
	Keys         []UserKey
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// PasswordHistory holds earlier password hashes, newest first, for the
	// pool's PasswordHistorySize rule; the caller trims it.
	PasswordHistory []string
	// PasswordChangedAt is when PasswordHash was last set (zero: unknown).
	// A zero time round-trips as the zero time.Time.
	PasswordChangedAt time.Time
	// Verifier is the user's SRP salt and verifier, and MFA the user's MFA
	// settings: documents owned by the domain layer, kept byte for byte
	// (nil round-trips as nil, an empty slice may come back as nil).
	Verifier []byte
	MFA      []byte
}

// RefreshToken is an issued refresh token. Only a hash of the opaque token is
// stored. ID is the token family's origin_jti, carried by every access and id
// token minted from it, so revoking it revokes those tokens as well.
type RefreshToken struct {
	ID        string
	Hash      []byte
	PoolID    string
	ClientID  string
	Username  string
	AuthTime  time.Time
	CreatedAt time.Time
	ExpiresAt time.Time
	Revoked   bool
	// Scopes are the OAuth scopes the family was granted, space-separated
	// as in an access token's scope claim ("" for a family an API sign-in
	// started, whose tokens carry no OAuth scopes): a refresh_token grant
	// mints its tokens with them again.
	Scopes string
}

// SigningKey is a pool's token-signing key. PrivateKey is a PKCS#8 DER blob.
type SigningKey struct {
	PoolID     string
	KeyID      string
	PrivateKey []byte
	CreatedAt  time.Time
}

// Code is an outstanding one-time code. Only a MAC of the code is stored.
// Purpose scopes it (e.g. "RESET", "SIGN_UP", "VERIFY:email"); Attribute is
// the user attribute it was sent to.
type Code struct {
	PoolID    string
	Username  string
	Purpose   string
	MAC       []byte
	Attribute string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Message is one entry of the outbox: a message to deliver, written in the
// same transaction as the state change that causes it. Status is "pending"
// for a message to send and "suppressed" for a request that sent nothing on
// purpose (SuppressedReason says why); delivery adds other statuses later.
type Message struct {
	ID               int64 // assigned by EnqueueMessage; increases with every message
	PoolID           string
	Username         string
	Purpose          string
	Medium           string // "EMAIL" or "SMS"
	Destination      string
	Subject          string
	Body             string
	Code             string
	SuppressedReason string
	Status           string
	CreatedAt        time.Time
	// From and ReplyTo are the pool's EmailConfiguration at enqueue time,
	// kept with the message so it can be sent after the pool is gone.
	From    string
	ReplyTo string
	// ExpiresAt is when the code or temporary password in the message stops
	// working (zero: never); a message not sent by then is not sent at all.
	ExpiresAt time.Time
	// Delivery state, owned by ClaimMessages and the Mark* methods.
	Attempts      int
	NextAttemptAt time.Time // zero: due at once
	LockedUntil   time.Time // zero: not claimed
	LastError     string
	SentAt        time.Time
}

// Message statuses.
const (
	MessagePending    = "pending"    // to be delivered
	MessageSuppressed = "suppressed" // nothing is to be sent (SuppressedReason)
	MessageSent       = "sent"       // delivered to a channel
	MessageInbox      = "inbox"      // no channel for its medium: kept for the development inbox
	MessageDead       = "dead"       // gave up after the maximum number of attempts
)

// SentAtOnEnqueue is the SentAt EnqueueMessage stores for m: CreatedAt for
// a message kept for the development inbox from the start, otherwise the
// zero time (not sent yet).
func SentAtOnEnqueue(m *Message) time.Time {
	if m.Status == MessageInbox {
		return m.CreatedAt
	}
	return time.Time{}
}

// MessageAttempt is one recorded delivery attempt (an audit trail).
type MessageAttempt struct {
	MessageID int64
	Number    int // 1 for the first attempt
	At        time.Time
	Error     string // "" for a success
}

// OutboxStats summarises the outbox for metrics.
type OutboxStats struct {
	Pending       int64
	Dead          int64
	OldestPending time.Time // zero when nothing is pending
}

// MessageFilter selects messages for ListMessages; empty fields match all.
type MessageFilter struct {
	PoolID      string
	Username    string
	Destination string
	Purpose     string
	AfterID     int64 // only messages with ID > AfterID
	// CreatedAfter keeps only messages with CreatedAt > CreatedAfter (zero:
	// no bound). CreatedAt has millisecond precision, so a bound finer than
	// that compares as the exact instant it is.
	CreatedAfter time.Time
	Limit        int // at most this many (<= 0: 100)
}

// Store is the persistence contract. Every method is safe for concurrent use.
// Methods that return a record return a fresh copy the caller may modify.
// Times are stored with millisecond precision and returned in UTC.
//
// Strings are stored byte for byte: every field holds any valid UTF-8
// string (control characters, non-BMP characters, U+FEFF, noncharacters,
// combining marks) and returns it unchanged. Fields a client can fill with
// a string the model does not pattern-check hold NUL (U+0000) as well:
// attribute names and values, user key values, code attributes, every text
// of a message (username, destination, subject, body, code, From, ReplyTo,
// LastError), delivery attempt errors and group descriptions; attempt
// subjects are any bytes.
// IDs, pool and client names, usernames and the domain's own constants
// (statuses, kinds, purposes) need not hold NUL: the domain layer only
// stores ones that passed the model's patterns, which exclude it.
//
// A failed method leaves a transaction usable. Inside a transaction (on
// the Store a Tx callback is given), a method that fails with one of the
// contract's errors — ErrNotFound, ErrConflict or a *KeyConflictError,
// possibly wrapped — has undone every write it made, including the
// partial writes of a method that runs several statements (UpdateUser may
// write the user before it finds a key taken), and the callback may
// handle the error and go on: its later calls on the same Store work and
// read the transaction as it was before the failed call, and if it
// returns nil every other write it made commits. This holds for every
// method, a nested Tx and TakeAttemptTx whose fn fails included. (SQLite
// undoes a failed statement on its own and runs multi-statement methods
// under a savepoint; PostgreSQL aborts the whole transaction on any failed
// statement, so its backend runs every statement that can fail under a
// savepoint.) Any other error — the context ended, a serialization
// failure, a lost connection, a full disk — may have ended the
// transaction: the callback must return it, wrapped or not, so that Tx
// can retry or fail.
type Store interface {
	// Tx runs fn inside one transaction: every write fn makes commits
	// together, or none does when fn returns an error (which Tx returns
	// unchanged). Transactions are serializable: a read-modify-write in fn
	// loses no concurrent update. Calling Tx on the Store handed to fn runs
	// the nested fn inside the same transaction, under a savepoint: if the
	// nested fn fails, its writes are undone and the outer fn may go on, as
	// after any failed method.
	//
	// fn may run more than once: a backend may roll back a run that lost a
	// race with another transaction and run fn again from the start in a
	// fresh one (PostgreSQL does, on serialization failures and deadlocks).
	// Only the last run commits. So fn must
	//   - use only the Store it is given, never the outer Store or another
	//     connection, whose writes would not roll back with the run;
	//   - have no effect outside that Store: no network call, trigger
	//     invocation, hook, metric, signal or message send inside fn — do
	//     them after Tx returned nil, from what the last run computed;
	//   - carry no state from one run to the next: each run starts from
	//     what it reads through the Store and from inputs it does not
	//     change, and sets its results for the caller afresh (assign, never
	//     append to a captured slice or add to a captured counter, and
	//     never read back a captured value an earlier run may have changed).
	// The txtwice package, for tests, runs every callback twice, the first
	// run rolled back, so that a callback that breaks these rules fails.
	Tx(ctx context.Context, fn func(Store) error) error

	// CreatePool inserts p; ErrConflict if the ID exists.
	CreatePool(ctx context.Context, p *Pool) error
	// GetPool returns the pool or ErrNotFound.
	GetPool(ctx context.Context, id string) (*Pool, error)
	// UpdatePool replaces Name, Config and UpdatedAt; ErrNotFound if absent.
	UpdatePool(ctx context.Context, p *Pool) error
	// DeletePool removes the pool and everything in it (clients, users,
	// tokens, keys, codes, attempts, groups and memberships) but not its
	// outbox messages;
	// ErrNotFound if absent.
	DeletePool(ctx context.Context, id string) error
	// ListPools returns up to limit pools with ID > afterID, ordered by ID.
	ListPools(ctx context.Context, afterID string, limit int) ([]*Pool, error)

	// CreateClient inserts c; ErrConflict if the ID exists, ErrNotFound if
	// its pool does not.
	CreateClient(ctx context.Context, c *Client) error
	// GetClient returns the client by its (globally unique) ID or ErrNotFound.
	GetClient(ctx context.Context, id string) (*Client, error)
	// UpdateClient replaces Name, Config and UpdatedAt; ErrNotFound if absent.
	UpdateClient(ctx context.Context, c *Client) error
	// DeleteClient removes the client; ErrNotFound if absent.
	DeleteClient(ctx context.Context, id string) error
	// ListClients returns up to limit clients of poolID with ID > afterID, ordered by ID.
	ListClients(ctx context.Context, poolID, afterID string, limit int) ([]*Client, error)

	// CreateUser inserts u with its Keys. A (Kind, Value) key already held by
	// another user of the pool gives a *KeyConflictError; ErrNotFound if the
	// pool does not exist.
	CreateUser(ctx context.Context, u *User) error
	// GetUserByKey returns the user holding key (kind, value) in the pool, or ErrNotFound.
	GetUserByKey(ctx context.Context, poolID, kind, value string) (*User, error)
	// UpdateUser replaces every field of the user identified by (PoolID,
	// Username), including its full set of Keys; *KeyConflictError as in
	// CreateUser; ErrNotFound if absent.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes the user, its keys, refresh tokens, codes and
	// group memberships; ErrNotFound if absent.
	DeleteUser(ctx context.Context, poolID, username string) error
	// ListUsers returns up to limit users of the pool with Username > afterUsername,
	// ordered by Username (byte order).
	ListUsers(ctx context.Context, poolID, afterUsername string, limit int) ([]*User, error)
	// CountUsers returns how many users the pool has.
	CountUsers(ctx context.Context, poolID string) (int64, error)

	// PutRefreshToken inserts t; ErrConflict if its ID or Hash exists.
	PutRefreshToken(ctx context.Context, t *RefreshToken) error
	// GetRefreshToken returns the token family by ID (origin_jti) or ErrNotFound.
	GetRefreshToken(ctx context.Context, id string) (*RefreshToken, error)
	// GetRefreshTokenByHash returns the token whose Hash equals hash, or ErrNotFound.
	GetRefreshTokenByHash(ctx context.Context, hash []byte) (*RefreshToken, error)
	// RevokeRefreshToken marks the token revoked; ErrNotFound if absent.
	RevokeRefreshToken(ctx context.Context, id string) error
	// RevokeUserRefreshTokens marks every token of the user revoked and
	// returns how many were not revoked before.
	RevokeUserRefreshTokens(ctx context.Context, poolID, username string) (int64, error)

	// CreateSigningKey inserts the pool's signing key; ErrConflict if the pool
	// already has one (so concurrent creators agree on the first one written).
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	// GetSigningKey returns the pool's signing key or ErrNotFound.
	GetSigningKey(ctx context.Context, poolID string) (*SigningKey, error)

	// GetOrCreateSetting returns the server-wide setting name, storing value
	// first if it is absent. Concurrent callers all get the first value stored.
	GetOrCreateSetting(ctx context.Context, name string, value []byte) ([]byte, error)

	// PutCode stores c as the one outstanding code of (PoolID, Username,
	// Purpose), replacing any earlier one (the latest code wins);
	// ErrNotFound if the user does not exist.
	PutCode(ctx context.Context, c *Code) error
	// GetCode returns the outstanding code, expired or not, or ErrNotFound.
	GetCode(ctx context.Context, poolID, username, purpose string) (*Code, error)
	// ConsumeCode deletes the outstanding code of (poolID, username,
	// purpose) only if its MAC equals mac, and returns ErrNotFound
	// otherwise. Of concurrent callers exactly one succeeds.
	ConsumeCode(ctx context.Context, poolID, username, purpose string, mac []byte) error

	// TakeAttempt takes one attempt of kind by subject (a username, or any
	// string naming an unknown user) at now, and reports whether it is
	// allowed: true when fewer than limit attempts taken before it are
	// later than now-window (including any stamped after now by callers
	// that read the clock earlier and committed later). Every call counts,
	// allowed or not, so a subject hammered without pause stays refused.
	// Atomically: N concurrent calls get exactly the answers N calls one
	// after the other would get, and no more than limit of all attempts in
	// a window are ever allowed. limit <= 0 never allows.
	//
	// Storage is bounded: a store need keep only the latest (by time)
	// 2*max(limit, 1) attempts of a (pool, subject, kind), limit being that
	// of the call that records, so one hammered name costs a few rows, not
	// one per call. Answers stay exact as long as no call uses a limit
	// above twice that of the calls before it, which holds for callers
	// that use one limit per kind. Attempts older than window may be
	// discarded. Attempts are keyed by subject, not tied to a user: they
	// survive DeleteUser and go with the pool. The pool must exist
	// (ErrNotFound).
	TakeAttempt(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration, limit int) (bool, error)
	// TakeAttemptTx takes an attempt exactly as TakeAttempt does and, only
	// if it is allowed, runs fn in a write transaction; it reports whether
	// the attempt was allowed. The attempt counts whatever fn does: a
	// refused one is recorded and fn does not run; an allowed one stays
	// recorded when fn fails, while fn's writes are undone and its error is
	// returned (with true). In effect it is TakeAttempt followed by Tx(fn),
	// so fn follows Tx's rules (it may run more than once); a backend may
	// record the attempt in fn's transaction with fn under a savepoint
	// (SQLite: one writer turn and one commit for both) or commit it first
	// (PostgreSQL, whose SERIALIZABLE transactions would abort concurrent
	// attempts on one subject). Why the attempt is never undone: the limit
	// caps what a subject can make the service do per window, so it must
	// count every request that got as far as the count, as confirm attempts
	// are counted before the code is checked; a count undone with fn would
	// let a request whose fn fails go uncounted. When the store itself
	// fails (begin, commit, the context ended) the attempt may or may not
	// be recorded, as with TakeAttempt. Inside a Tx both belong to that
	// transaction.
	TakeAttemptTx(ctx context.Context, poolID, subject, kind string, now time.Time, window time.Duration, limit int, fn func(Store) error) (bool, error)
	// ClearAttempts forgets every attempt of kind by subject.
	ClearAttempts(ctx context.Context, poolID, subject, kind string) error
	// PruneAttempts deletes every attempt recorded at or before before, in
	// every pool, and returns how many. TakeAttempt need not discard
	// attempts that left the window (the SQLite and PostgreSQL backends do
	// not, to keep the hot path short); this sweeps old attempts, above
	// all those of names an enumeration tried once. It works in small
	// batches, each its own transaction, so it never holds writers up for
	// long.
	PruneAttempts(ctx context.Context, before time.Time) (int64, error)

	// EnqueueMessage appends m to the outbox and sets m.ID. Messages outlive
	// the pool and the user they belong to. Status is "pending",
	// "suppressed", or "inbox" for a message whose medium has no channel:
	// it is kept for the development inbox from the start (SentAt =
	// CreatedAt, no attempts) and never claimed. The rest of the delivery
	// state is not taken from m: 0 attempts, due at once, not leased.
	EnqueueMessage(ctx context.Context, m *Message) error
	// ListMessages returns the messages f selects, newest (highest ID) first:
	// with AfterID and Limit, the newest Limit messages above AfterID (a
	// "what is new" view, not a page cursor).
	ListMessages(ctx context.Context, f MessageFilter) ([]*Message, error)

	// ClaimMessages leases up to limit pending messages that are due
	// (NextAttemptAt <= now) and not leased (LockedUntil <= now), oldest
	// first: it sets LockedUntil = now+lease and returns them with a lease
	// token. Concurrent claimers (goroutines or processes) never hold the
	// same message at once; a message whose lease expired (its worker died)
	// can be claimed again.
	ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) (token string, msgs []*Message, err error)
	// MarkMessageSent records a successful attempt: status "sent" (or
	// "inbox" when inbox is true), Attempts+1, SentAt = now, the lease
	// released. With
	// redact, Body and Code are erased (the metadata stays). ErrConflict if
	// token no longer holds the lease (it expired and another worker
	// claimed the message); ErrNotFound if there is no such message.
	MarkMessageSent(ctx context.Context, id int64, token string, now time.Time, inbox, redact bool) error
	// RetryMessage records a failed attempt: Attempts+1, LastError,
	// NextAttemptAt = next, the lease released. Errors as MarkMessageSent.
	RetryMessage(ctx context.Context, id int64, token string, now, next time.Time, lastError string) error
	// KillMessage records a final failed attempt: status "dead",
	// Attempts+1, LastError, the lease released. Errors as MarkMessageSent.
	KillMessage(ctx context.Context, id int64, token string, now time.Time, lastError string) error
	// ListMessageAttempts returns a message's recorded attempts in order.
	ListMessageAttempts(ctx context.Context, id int64) ([]MessageAttempt, error)
	// GetOutboxStats counts pending and dead messages and finds the oldest
	// pending one.
	GetOutboxStats(ctx context.Context) (OutboxStats, error)
	// PruneMessages deletes the finished messages (status "sent", "dead",
	// "inbox" or "suppressed") created at or before before, in every pool,
	// with their recorded delivery attempts, and returns how many messages
	// it deleted. A pending message is never deleted, whatever its age. It
	// works in small batches, each its own transaction, as PruneAttempts
	// does; the IDs of deleted messages are never handed out again.
	PruneMessages(ctx context.Context, before time.Time) (int64, error)

	// TimeRules: giving back attempts, exponential lockouts and clamping
	// state after a clock that moved back (timerules.go).
	TimeRules
	// Once: single-use tokens (once.go).
	Once
	// Groups: a pool's groups and their members (groups.go).
	Groups
	// Federation: identity providers, resource servers, UI customizations
	// and domains (federation.go).
	Federation

	// Close releases the store's resources.
	Close() error

	// DeletePoolMessages deletes the finished messages (status "sent",
	// "dead", "inbox" or "suppressed") of poolID, whatever their age, with
	// their recorded delivery attempts, and returns how many messages it
	// deleted: the development inbox cleared between tests. Pending
	// messages stay, as in PruneMessages: the delivery worker still has to
	// deliver them (or is delivering them under a lease). The pool need not
	// exist (messages outlive it). It works in batches as PruneMessages
	// does, and IDs of deleted messages are never handed out again.
	DeletePoolMessages(ctx context.Context, poolID string) (int64, error)
}
