package server_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// UI customization (issue 16): CSS and a logo per client or for every
// client ("ALL"), on a pool that has a domain; a client without its own
// customization gets the pool's; nothing set is an empty shape, which is
// how Terraform's provider tells a deleted customization.

const uiCSS = ".banner-customizable {\n  background-color: black;\n}\n"

var logoPNG = []byte("\x89PNG\r\n\x1a\n fake logo")

func (e *env) getUI(poolID, clientID string) *types.UICustomizationType {
	e.t.Helper()
	in := &cip.GetUICustomizationInput{UserPoolId: aws.String(poolID)}
	if clientID != "" {
		in.ClientId = aws.String(clientID)
	}
	out, err := e.SDK.GetUICustomization(e.t.Context(), in)
	ok(e.t, err, "GetUICustomization")
	return out.UICustomization
}

func TestUICustomizationNeedsDomain(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	_, err := e.SDK.SetUICustomization(t.Context(), &cip.SetUICustomizationInput{UserPoolId: pool.Id, CSS: aws.String(uiCSS)})
	wantAPIError(t, err, "InvalidParameterException", "A domain must be associated with this user pool.")
}

func TestUICustomizationPoolAndClient(t *testing.T) {
	e := newEnv(t)
	pool := e.pool()
	client := e.client(*pool.Id)
	ctx := t.Context()
	e.domain(*pool.Id, "ui-test")
	if ui := e.getUI(*pool.Id, ""); ui == nil || ui.UserPoolId != nil || ui.CSS != nil || ui.ClientId != nil {
		t.Fatalf("nothing set: %+v, want an empty shape", ui)
	}
	set, err := e.SDK.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: pool.Id, ClientId: aws.String("ALL"), CSS: aws.String(uiCSS)})
	ok(t, err, "SetUICustomization ALL")
	if ui := set.UICustomization; aws.ToString(ui.CSS) != uiCSS || aws.ToString(ui.ClientId) != "ALL" || aws.ToString(ui.CSSVersion) == "" ||
		ui.ImageUrl != nil || ui.CreationDate == nil {
		t.Fatalf("set ALL: %+v", ui)
	}
	// A client without its own gets the pool's, named ALL.
	if ui := e.getUI(*pool.Id, *client.ClientId); aws.ToString(ui.ClientId) != "ALL" || aws.ToString(ui.CSS) != uiCSS {
		t.Fatalf("client falls back: %+v", ui)
	}
	_, err = e.SDK.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: pool.Id, ClientId: client.ClientId, ImageFile: logoPNG})
	ok(t, err, "SetUICustomization client")
	ui := e.getUI(*pool.Id, *client.ClientId)
	if aws.ToString(ui.ClientId) != *client.ClientId || ui.CSS != nil || aws.ToString(ui.ImageUrl) == "" || *ui.UserPoolId != *pool.Id {
		t.Fatalf("client's own: %+v", ui)
	}
	// Setting neither CSS nor image removes the client's own.
	_, err = e.SDK.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: pool.Id, ClientId: client.ClientId})
	ok(t, err, "SetUICustomization reset")
	if ui := e.getUI(*pool.Id, *client.ClientId); aws.ToString(ui.ClientId) != "ALL" {
		t.Fatalf("after reset: %+v", ui)
	}
	_, err = e.SDK.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: pool.Id, ClientId: aws.String("nosuchclient"), CSS: aws.String(uiCSS)})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client nosuchclient does not exist.")
	_, err = e.SDK.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: aws.String("us-east-1_nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nope does not exist.")
}
