package userpool

import (
	"strconv"
	"time"
)

// Timestamp encodes as Cognito does: epoch seconds as a JSON number with a
// fractional part (e.g. 1548097827.125).
type Timestamp struct{ time.Time }

// MarshalJSON writes epoch seconds with millisecond precision.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

func ts(t time.Time) *Timestamp { return &Timestamp{t} }

// AttributeType is Cognito's name/value pair.
type AttributeType struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// CodeDeliveryDetailsType says where a code was sent (masked).
// Members are in the order real Cognito sends them (spec §1.3, OBS).
type CodeDeliveryDetailsType struct {
	AttributeName  string `json:"AttributeName,omitempty"`
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
	Destination    string `json:"Destination,omitempty"`
}

// UserType is Cognito's user description in AdminCreateUser and ListUsers.
type UserType struct {
	Username             string          `json:"Username"`
	Attributes           []AttributeType `json:"Attributes,omitempty"`
	UserCreateDate       *Timestamp      `json:"UserCreateDate,omitempty"`
	UserLastModifiedDate *Timestamp      `json:"UserLastModifiedDate,omitempty"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
}

// AuthenticationResultType carries the tokens of a successful sign-in.
type AuthenticationResultType struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int64  `json:"ExpiresIn"`
	TokenType    string `json:"TokenType"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	IdToken      string `json:"IdToken"`
}

// AnalyticsMetadataType and UserContextDataType are accepted and ignored
// (spec §5: never reject for missing context data, never decode EncodedData).
type AnalyticsMetadataType struct {
	AnalyticsEndpointId string `json:"AnalyticsEndpointId,omitempty"`
}

// UserContextDataType is the caller's context data; sizes are checked by the
// model constraints, the content is not used.
type UserContextDataType struct {
	IpAddress   string `json:"IpAddress,omitempty"`
	EncodedData string `json:"EncodedData,omitempty"`
}

// Empty is the output of operations that answer `{}`.
type Empty struct{}
