package server

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/userpool/userpool/internal/apimodel"
	"github.com/userpool/userpool/internal/userpool"
)

// handler runs one operation on an already validated body and returns its
// output, to be encoded as JSON.
type handler func(ctx context.Context, body []byte) (any, error)

// op adapts a typed Service method to a handler: the body (validated
// against the model already) is decoded into In, and Out is returned.
func op[In, Out any](fn func(context.Context, *In) (*Out, error)) handler {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, &apimodel.SerializationError{Message: msgMalformedJSON}
			}
		}
		return fn(ctx, in)
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
	}
}
