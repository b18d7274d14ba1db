package server

import (
	"context"
	"encoding/json"

	"github.com/userpool/userpool/internal/apimodel"
	"github.com/userpool/userpool/internal/userpool"
)

// handler is one operation: a fresh input value to decode the request into,
// and the call that runs it and returns its output, to be encoded as JSON.
type handler struct {
	newInput func() any
	call     func(ctx context.Context, in any) (any, error)
}

// decode validates body against the operation's model and decodes it into
// a fresh input value. The value is built from the canonical body
// (apimodel.Operation.Decode): exactly the validated members under their
// exact names, so encoding/json's case-insensitive matching has nothing to
// alias and the operation sees exactly what the validator checked.
func (h handler) decode(model *apimodel.Operation, body []byte) (any, error) {
	canonical, err := model.Decode(body)
	if err != nil {
		return nil, err
	}
	in := h.newInput()
	if err := json.Unmarshal(canonical, in); err != nil {
		// Unreachable for a checked body (typeCheck bounds every number
		// by its Java type); answered as a type error if it ever is not.
		return nil, &apimodel.SerializationError{Message: msgMalformedJSON}
	}
	return in, nil
}

// op adapts a typed Service method to a handler.
func op[In, Out any](fn func(context.Context, *In) (*Out, error)) handler {
	return handler{
		newInput: func() any { return new(In) },
		call:     func(ctx context.Context, in any) (any, error) { return fn(ctx, in.(*In)) },
	}
}

// routes is the operation table. Operations the model defines but that are
// missing here answer UnsupportedOperationException; names the model does
// not define answer UnknownOperationException. Whether an operation needs
// SigV4 comes from the model (apimodel.Operation.Public), not from here.
func routes(s *userpool.Service) map[string]handler {
	return map[string]handler{
		// Pools.
		"CreateUserPool":   op(s.CreateUserPool),
		"DescribeUserPool": op(s.DescribeUserPool),
		"UpdateUserPool":   op(s.UpdateUserPool),
		"DeleteUserPool":   op(s.DeleteUserPool),
		"ListUserPools":    op(s.ListUserPools),
		// MFA configuration of a pool.
		"SetUserPoolMfaConfig": op(s.SetUserPoolMfaConfig),
		"GetUserPoolMfaConfig": op(s.GetUserPoolMfaConfig),
		// App clients.
		"CreateUserPoolClient":   op(s.CreateUserPoolClient),
		"DescribeUserPoolClient": op(s.DescribeUserPoolClient),
		"UpdateUserPoolClient":   op(s.UpdateUserPoolClient),
		"DeleteUserPoolClient":   op(s.DeleteUserPoolClient),
		"ListUserPoolClients":    op(s.ListUserPoolClients),
		// Users, administered.
		"AdminCreateUser":           op(s.AdminCreateUser),
		"AdminGetUser":              op(s.AdminGetUser),
		"AdminSetUserPassword":      op(s.AdminSetUserPassword),
		"AdminUpdateUserAttributes": op(s.AdminUpdateUserAttributes),
		"AdminDeleteUserAttributes": op(s.AdminDeleteUserAttributes),
		"AdminDeleteUser":           op(s.AdminDeleteUser),
		"AdminDisableUser":          op(s.AdminDisableUser),
		"AdminEnableUser":           op(s.AdminEnableUser),
		"AdminConfirmSignUp":        op(s.AdminConfirmSignUp),
		"AdminUserGlobalSignOut":    op(s.AdminUserGlobalSignOut),
		"ListUsers":                 op(s.ListUsers),
		// Sign-up and sign-in.
		"SignUp":                      op(s.SignUp),
		"InitiateAuth":                op(s.InitiateAuth),
		"AdminInitiateAuth":           op(s.AdminInitiateAuth),
		"RespondToAuthChallenge":      op(s.RespondToAuthChallenge),
		"AdminRespondToAuthChallenge": op(s.AdminRespondToAuthChallenge),
		// Account recovery and confirmation codes.
		"ForgotPassword":                   op(s.ForgotPassword),
		"ConfirmForgotPassword":            op(s.ConfirmForgotPassword),
		"AdminResetUserPassword":           op(s.AdminResetUserPassword),
		"ResendConfirmationCode":           op(s.ResendConfirmationCode),
		"ConfirmSignUp":                    op(s.ConfirmSignUp),
		"GetUserAttributeVerificationCode": op(s.GetUserAttributeVerificationCode),
		"VerifyUserAttribute":              op(s.VerifyUserAttribute),
		// Self-service with an access token.
		"GetUser":              op(s.GetUser),
		"ChangePassword":       op(s.ChangePassword),
		"GlobalSignOut":        op(s.GlobalSignOut),
		"RevokeToken":          op(s.RevokeToken),
		"UpdateUserAttributes": op(s.UpdateUserAttributes),
		"DeleteUser":           op(s.DeleteUser),
		// Configuration (issue 16): schema, risk and log delivery
		// configurations, app client secrets.
		"AddCustomAttributes":         op(s.AddCustomAttributes),
		"AddUserPoolClientSecret":     op(s.AddUserPoolClientSecret),
		"ListUserPoolClientSecrets":   op(s.ListUserPoolClientSecrets),
		"DeleteUserPoolClientSecret":  op(s.DeleteUserPoolClientSecret),
		"DescribeRiskConfiguration":   op(s.DescribeRiskConfiguration),
		"SetRiskConfiguration":        op(s.SetRiskConfiguration),
		"GetLogDeliveryConfiguration": op(s.GetLogDeliveryConfiguration),
		"SetLogDeliveryConfiguration": op(s.SetLogDeliveryConfiguration),
		// MFA of a user.
		"AssociateSoftwareToken":    op(s.AssociateSoftwareToken),
		"VerifySoftwareToken":       op(s.VerifySoftwareToken),
		"SetUserMFAPreference":      op(s.SetUserMFAPreference),
		"AdminSetUserMFAPreference": op(s.AdminSetUserMFAPreference),
		// Groups and their members (issue 16).
		"CreateGroup":              op(s.CreateGroup),
		"GetGroup":                 op(s.GetGroup),
		"UpdateGroup":              op(s.UpdateGroup),
		"DeleteGroup":              op(s.DeleteGroup),
		"ListGroups":               op(s.ListGroups),
		"AdminAddUserToGroup":      op(s.AdminAddUserToGroup),
		"AdminRemoveUserFromGroup": op(s.AdminRemoveUserFromGroup),
		"AdminListGroupsForUser":   op(s.AdminListGroupsForUser),
		"ListUsersInGroup":         op(s.ListUsersInGroup),
		// Tags of pools (issue 16).
		"TagResource":         op(s.TagResource),
		"UntagResource":       op(s.UntagResource),
		"ListTagsForResource": op(s.ListTagsForResource),
		// Federation and hosted UI settings (issue 16): identity providers.
		"CreateIdentityProvider":          op(s.CreateIdentityProvider),
		"DescribeIdentityProvider":        op(s.DescribeIdentityProvider),
		"UpdateIdentityProvider":          op(s.UpdateIdentityProvider),
		"DeleteIdentityProvider":          op(s.DeleteIdentityProvider),
		"ListIdentityProviders":           op(s.ListIdentityProviders),
		"GetIdentityProviderByIdentifier": op(s.GetIdentityProviderByIdentifier),
		// Federation and hosted UI settings (issue 16): domains.
		"CreateUserPoolDomain":   op(s.CreateUserPoolDomain),
		"DescribeUserPoolDomain": op(s.DescribeUserPoolDomain),
		"UpdateUserPoolDomain":   op(s.UpdateUserPoolDomain),
		"DeleteUserPoolDomain":   op(s.DeleteUserPoolDomain),
		// Federation and hosted UI settings (issue 16): resource servers and UI customization.
		"CreateResourceServer":   op(s.CreateResourceServer),
		"DescribeResourceServer": op(s.DescribeResourceServer),
		"UpdateResourceServer":   op(s.UpdateResourceServer),
		"DeleteResourceServer":   op(s.DeleteResourceServer),
		"ListResourceServers":    op(s.ListResourceServers),
		"GetUICustomization":     op(s.GetUICustomization),
		"SetUICustomization":     op(s.SetUICustomization),
	}
}
