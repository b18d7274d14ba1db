package userpool

import (
	"context"
	"errors"

	"github.com/userpool/userpool/internal/store"
)

// UI customization of the hosted UI (issue 16; issue 17 applies it): CSS and
// a logo for one client or, under ClientId "ALL", for every client without
// its own. Only a pool with a domain has pages to customize.

const allClients = "ALL"

// uiDoc is a stored customization.
type uiDoc struct {
	CSS        *string `json:"CSS,omitempty"`
	Image      []byte  `json:"Image,omitempty"`
	CSSVersion string  `json:"CSSVersion"`
}

// UICustomizationType is a customization as Cognito answers it; every
// member is omitted when nothing is set (the empty shape of the reference).
type UICustomizationType struct {
	UserPoolId       string     `json:"UserPoolId,omitempty"`
	ClientId         string     `json:"ClientId,omitempty"`
	ImageUrl         string     `json:"ImageUrl,omitempty"`
	CSS              *string    `json:"CSS,omitempty"`
	CSSVersion       string     `json:"CSSVersion,omitempty"`
	LastModifiedDate *Timestamp `json:"LastModifiedDate,omitempty"`
	CreationDate     *Timestamp `json:"CreationDate,omitempty"`
}

// UICustomizationOutput is the Get and Set response.
type UICustomizationOutput struct {
	UICustomization *UICustomizationType `json:"UICustomization"`
}

// uiType answers a stored customization. The logo's URL follows Cognito's
// layout (<pool>/<client>/<version>/assets/images/image.jpg) under the
// issuer base, where the hosted UI of issue 17 can serve it.
func (s *Service) uiType(it *store.PoolItem, d *uiDoc) *UICustomizationType {
	out := &UICustomizationType{UserPoolId: it.PoolID, ClientId: it.Name, CSS: d.CSS, CSSVersion: d.CSSVersion,
		LastModifiedDate: ts(it.UpdatedAt), CreationDate: ts(it.CreatedAt)}
	if len(d.Image) > 0 {
		out.ImageUrl = s.cfg.IssuerBase + "/" + it.PoolID + "/" + it.Name + "/" + d.CSSVersion + "/assets/images/image.jpg"
	}
	return out
}

// uiTarget checks the pool and the client a request names ("" and ALL
// mean every client) and returns the customization's name.
func (s *Service) uiTarget(ctx context.Context, poolID, clientID string) (string, error) {
	if clientID == "" || clientID == allClients {
		_, err := s.loadPool(ctx, s.store, poolID)
		return allClients, err
	}
	if _, err := s.loadPoolClient(ctx, poolID, clientID); err != nil {
		return "", err
	}
	return clientID, nil
}

// GetUICustomizationInput is the GetUICustomization request.
type GetUICustomizationInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
}

// GetUICustomization returns the client's customization, else the pool's
// (ClientId ALL), else an empty shape.
func (s *Service) GetUICustomization(ctx context.Context, in *GetUICustomizationInput) (*UICustomizationOutput, error) {
	name, err := s.uiTarget(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	for _, n := range []string{name, allClients} {
		it, doc, err := getItem[uiDoc](ctx, s.store, in.UserPoolId, kindUI, n)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &UICustomizationOutput{UICustomization: s.uiType(it, doc)}, nil
	}
	return &UICustomizationOutput{UICustomization: &UICustomizationType{}}, nil
}

// SetUICustomizationInput is the SetUICustomization request.
type SetUICustomizationInput struct {
	UserPoolId string  `json:"UserPoolId"`
	ClientId   string  `json:"ClientId"`
	CSS        *string `json:"CSS"`
	ImageFile  []byte  `json:"ImageFile"`
}

// SetUICustomization replaces a customization; one with neither CSS nor
// image is removed (Terraform's provider deletes that way).
func (s *Service) SetUICustomization(ctx context.Context, in *SetUICustomizationInput) (*UICustomizationOutput, error) {
	name, err := s.uiTarget(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	now := s.now()
	doc := &uiDoc{CSS: in.CSS, Image: in.ImageFile, CSSVersion: now.Format("20060102150405")}
	var out *UICustomizationType
	err = s.store.Tx(ctx, func(st store.Store) error {
		if prefix, custom, err := poolDomains(ctx, st, in.UserPoolId); err != nil {
			return err
		} else if prefix == "" && custom == "" {
			return errNoDomainForUI
		}
		it, _, err := getItem[uiDoc](ctx, st, in.UserPoolId, kindUI, name)
		switch {
		case errors.Is(err, store.ErrNotFound):
			it, err = newItem(in.UserPoolId, kindUI, name, doc, now)
			if err == nil && (in.CSS != nil || len(in.ImageFile) > 0) {
				err = st.CreatePoolItem(ctx, it)
			}
		case err != nil:
		case in.CSS == nil && len(in.ImageFile) == 0:
			err = st.DeletePoolItem(ctx, in.UserPoolId, kindUI, name)
		default:
			err = saveItem(ctx, st, it, doc, now)
		}
		if err == nil {
			out = s.uiType(it, doc)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &UICustomizationOutput{UICustomization: out}, nil
}
