package userpool

import (
	"context"
	"encoding/json"
	"net"
	"time"

	"github.com/userpool/userpool/internal/store"
)

// Risk configuration (threat protection): SetRiskConfiguration and
// DescribeRiskConfiguration, pool-wide in the pool document and per app
// client in the client document, stored and returned as set so the
// Terraform provider's aws_cognito_risk_configuration plans clean. Nothing
// here evaluates risk: sign-ins are never blocked or challenged by it.
//
// Cognito does not ask for UserPoolAddOns to store a configuration: the
// provider's own acceptance tests set every kind of risk configuration on
// pools without add-ons, against AWS.

// CompromisedCredentialsRiskConfigurationType: what to do with
// compromised credentials, on which events.
type CompromisedCredentialsRiskConfigurationType struct {
	EventFilter []string        `json:"EventFilter,omitempty"`
	Actions     json.RawMessage `json:"Actions,omitempty"`
}

// RiskExceptionConfigurationType: IP ranges always blocked or never assessed.
type RiskExceptionConfigurationType struct {
	BlockedIPRangeList []string `json:"BlockedIPRangeList,omitempty"`
	SkippedIPRangeList []string `json:"SkippedIPRangeList,omitempty"`
}

// riskMembers are the three parts of a risk configuration, as the request
// sets them, the store keeps them and both operations answer them. The
// account-takeover part is kept as the validated request gave it; it is
// only ever returned.
type riskMembers struct {
	CompromisedCredentialsRiskConfiguration *CompromisedCredentialsRiskConfigurationType `json:"CompromisedCredentialsRiskConfiguration,omitempty"`
	AccountTakeoverRiskConfiguration        json.RawMessage                              `json:"AccountTakeoverRiskConfiguration,omitempty"`
	RiskExceptionConfiguration              *RiskExceptionConfigurationType              `json:"RiskExceptionConfiguration,omitempty"`
}

// riskConfig is a stored risk configuration.
type riskConfig struct {
	riskMembers
	LastModified time.Time `json:"LastModified"`
}

// RiskConfigurationType is a risk configuration as both operations answer it.
type RiskConfigurationType struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId,omitempty"`
	riskMembers
	LastModifiedDate *Timestamp `json:"LastModifiedDate,omitempty"`
}

// RiskConfigurationOutput is the response of both operations.
type RiskConfigurationOutput struct {
	RiskConfiguration *RiskConfigurationType `json:"RiskConfiguration"`
}

// riskType answers for a pool or client (clientID "") with cfg (nil: none
// set, only the IDs; UNVERIFIED whether Cognito shows the pool's
// configuration for a client that has none of its own).
func riskType(poolID, clientID string, cfg *riskConfig) *RiskConfigurationOutput {
	out := &RiskConfigurationType{UserPoolId: poolID, ClientId: clientID}
	if cfg != nil {
		out.riskMembers, out.LastModifiedDate = cfg.riskMembers, ts(cfg.LastModified)
	}
	return &RiskConfigurationOutput{RiskConfiguration: out}
}

// DescribeRiskConfigurationInput is the DescribeRiskConfiguration request.
type DescribeRiskConfigurationInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
}

// DescribeRiskConfiguration returns the pool's configuration, or with a
// ClientId the client's own.
func (s *Service) DescribeRiskConfiguration(ctx context.Context, in *DescribeRiskConfigurationInput) (*RiskConfigurationOutput, error) {
	if in.ClientId != "" {
		c, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId)
		if err != nil {
			return nil, err
		}
		return riskType(in.UserPoolId, in.ClientId, c.cdoc.Risk), nil
	}
	p, err := s.loadPool(ctx, s.store, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return riskType(in.UserPoolId, "", p.doc.Risk), nil
}

// SetRiskConfigurationInput is the SetRiskConfiguration request.
type SetRiskConfigurationInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
	riskMembers
}

// SetRiskConfiguration replaces the configuration of the pool, or with a
// ClientId of that client only. A request with only the IDs resets it:
// the pool to the defaults, a client to the pool's (API reference).
func (s *Service) SetRiskConfiguration(ctx context.Context, in *SetRiskConfigurationInput) (*RiskConfigurationOutput, error) {
	cfg, err := in.config(s.now())
	if err != nil {
		return nil, err
	}
	if in.ClientId != "" {
		err = s.store.Tx(ctx, func(tx store.Store) error {
			c, err := s.loadPoolClientIn(ctx, tx, in.UserPoolId, in.ClientId)
			if err != nil {
				return err
			}
			doc := *c.cdoc // a shallow copy: cached documents are never modified
			doc.Risk = cfg
			return s.saveClientDoc(ctx, tx, c.rec, &doc)
		})
	} else {
		err = s.store.Tx(ctx, func(tx store.Store) error {
			p, err := s.loadPool(ctx, tx, in.UserPoolId)
			if err != nil {
				return err
			}
			doc := *p.doc
			doc.Risk = cfg
			return s.savePoolDoc(ctx, tx, p.rec, &doc)
		})
	}
	if err != nil {
		return nil, err
	}
	return riskType(in.UserPoolId, in.ClientId, cfg), nil
}

// config is the configuration the request sets (nil: a reset). IP ranges
// must be CIDR blocks (API reference); an omitted EventFilter is every
// event ("Defaults to all events"; the Terraform provider reads it as
// computed).
func (in *SetRiskConfigurationInput) config(now time.Time) (*riskConfig, error) {
	m := in.riskMembers
	if absent(m.AccountTakeoverRiskConfiguration) {
		m.AccountTakeoverRiskConfiguration = nil
	}
	if m.CompromisedCredentialsRiskConfiguration == nil && m.AccountTakeoverRiskConfiguration == nil &&
		m.RiskExceptionConfiguration == nil {
		return nil, nil
	}
	if cc := m.CompromisedCredentialsRiskConfiguration; cc != nil && len(cc.EventFilter) == 0 {
		filled := *cc
		filled.EventFilter = []string{"SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"}
		m.CompromisedCredentialsRiskConfiguration = &filled
	}
	if rx := m.RiskExceptionConfiguration; rx != nil {
		for _, r := range append(append([]string{}, rx.BlockedIPRangeList...), rx.SkippedIPRangeList...) {
			if _, _, err := net.ParseCIDR(r); err != nil {
				return nil, errBadIPRange(r)
			}
		}
	}
	return &riskConfig{riskMembers: m, LastModified: now}, nil
}

// absent reports a raw member that is missing or null.
func absent(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }
