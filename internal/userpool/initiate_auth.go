package userpool

import (
	"context"
	"encoding/json"
)

// InitiateAuthInput is the InitiateAuth request.
type InitiateAuthInput struct {
	AuthFlow          string                 `json:"AuthFlow"`
	AuthParameters    map[string]string      `json:"AuthParameters"`
	ClientMetadata    map[string]string      `json:"ClientMetadata"`
	ClientId          string                 `json:"ClientId"`
	AnalyticsMetadata *AnalyticsMetadataType `json:"AnalyticsMetadata"`
	UserContextData   *UserContextDataType   `json:"UserContextData"`
	Session           string                 `json:"Session"`
}

// InitiateAuth signs a user in with USER_PASSWORD_AUTH or USER_SRP_AUTH, or
// refreshes tokens with REFRESH_TOKEN_AUTH. Custom flows are not
// implemented.
func (s *Service) InitiateAuth(ctx context.Context, in *InitiateAuthInput) (*AuthOutput, error) {
	c, err := s.loadClient(ctx, s.store, in.ClientId)
	if err != nil {
		return nil, err
	}
	switch in.AuthFlow {
	case "USER_PASSWORD_AUTH":
		if !c.doc.allowsFlow("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH") {
			return nil, errUserPasswordFlow
		}
		return s.passwordAuth(ctx, c, in.AuthParameters)
	case "USER_SRP_AUTH":
		return s.gatedSRPAuth(ctx, c, in.AuthParameters)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		if !c.doc.allowsFlow("ALLOW_REFRESH_TOKEN_AUTH") {
			return nil, errRefreshFlowOff
		}
		return s.refreshAuth(ctx, c, in.AuthParameters)
	case "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH":
		return nil, errUnsupportedFlow(in.AuthFlow) // admin flows only through AdminInitiateAuth
	}
	return nil, errUnsupportedFlow(in.AuthFlow)
}

// AdminInitiateAuthInput is the AdminInitiateAuth request.
type AdminInitiateAuthInput struct {
	UserPoolId        string                 `json:"UserPoolId"`
	ClientId          string                 `json:"ClientId"`
	AuthFlow          string                 `json:"AuthFlow"`
	AuthParameters    map[string]string      `json:"AuthParameters"`
	ClientMetadata    map[string]string      `json:"ClientMetadata"`
	AnalyticsMetadata *AnalyticsMetadataType `json:"AnalyticsMetadata"`
	ContextData       json.RawMessage        `json:"ContextData"`
	Session           string                 `json:"Session"`
}

// AdminInitiateAuth signs a user in with ADMIN_USER_PASSWORD_AUTH (or its
// legacy name ADMIN_NO_SRP_AUTH) or USER_SRP_AUTH, or refreshes tokens.
func (s *Service) AdminInitiateAuth(ctx context.Context, in *AdminInitiateAuthInput) (*AuthOutput, error) {
	c, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	switch in.AuthFlow {
	case "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH":
		if !c.doc.allowsFlow("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH") {
			return nil, errAuthFlowDisabled
		}
		return s.passwordAuth(ctx, c, in.AuthParameters)
	case "USER_SRP_AUTH":
		return s.gatedSRPAuth(ctx, c, in.AuthParameters)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		if !c.doc.allowsFlow("ALLOW_REFRESH_TOKEN_AUTH") {
			return nil, errRefreshFlowOff
		}
		return s.refreshAuth(ctx, c, in.AuthParameters)
	}
	return nil, errUnsupportedFlow(in.AuthFlow)
}

// gatedSRPAuth runs USER_SRP_AUTH where the client's ExplicitAuthFlows
// allow it (ALLOW_USER_SRP_AUTH, one of Cognito's defaults), for both
// InitiateAuth and AdminInitiateAuth.
func (s *Service) gatedSRPAuth(ctx context.Context, c *clientView, params map[string]string) (*AuthOutput, error) {
	if !c.doc.allowsFlow("ALLOW_USER_SRP_AUTH") {
		return nil, errSRPFlowDisabled
	}
	return s.srpAuth(ctx, c, params)
}
