package userpool

import (
	"encoding/json"
	"slices"
)

// PasswordPolicyType is the pool's password policy (spec §3.3).
type PasswordPolicyType struct {
	MinimumLength                 int32  `json:"MinimumLength"`
	RequireUppercase              bool   `json:"RequireUppercase"`
	RequireLowercase              bool   `json:"RequireLowercase"`
	RequireNumbers                bool   `json:"RequireNumbers"`
	RequireSymbols                bool   `json:"RequireSymbols"`
	PasswordHistorySize           *int32 `json:"PasswordHistorySize,omitempty"`
	TemporaryPasswordValidityDays int32  `json:"TemporaryPasswordValidityDays"`
}

// UserPoolPolicyType wraps the password policy (and, in newer models, sign-in policy).
type UserPoolPolicyType struct {
	PasswordPolicy *PasswordPolicyType `json:"PasswordPolicy,omitempty"`
	SignInPolicy   json.RawMessage     `json:"SignInPolicy,omitempty"`
}

// VerificationMessageTemplateType is the pool's verification message, which
// ForgotPassword also uses (spec §2.11).
type VerificationMessageTemplateType struct {
	SmsMessage         string `json:"SmsMessage,omitempty"`
	EmailMessage       string `json:"EmailMessage,omitempty"`
	EmailSubject       string `json:"EmailSubject,omitempty"`
	EmailMessageByLink string `json:"EmailMessageByLink,omitempty"`
	EmailSubjectByLink string `json:"EmailSubjectByLink,omitempty"`
	DefaultEmailOption string `json:"DefaultEmailOption,omitempty"`
}

// AdminCreateUserConfigType controls AdminCreateUser and self sign-up.
type AdminCreateUserConfigType struct {
	AllowAdminCreateUserOnly  bool            `json:"AllowAdminCreateUserOnly"`
	UnusedAccountValidityDays int32           `json:"UnusedAccountValidityDays,omitempty"`
	InviteMessageTemplate     json.RawMessage `json:"InviteMessageTemplate,omitempty"`
}

// UsernameConfigurationType holds the immutable case-sensitivity setting.
type UsernameConfigurationType struct {
	CaseSensitive *bool `json:"CaseSensitive"`
}

// RecoveryOptionType is one AccountRecoverySetting mechanism.
type RecoveryOptionType struct {
	Priority int32  `json:"Priority"`
	Name     string `json:"Name"`
}

// AccountRecoverySettingType orders the recovery mechanisms (spec §2.4).
type AccountRecoverySettingType struct {
	RecoveryMechanisms []RecoveryOptionType `json:"RecoveryMechanisms,omitempty"`
}

// SchemaAttributeType describes one attribute of the pool's schema.
type SchemaAttributeType struct {
	Name                       string                          `json:"Name,omitempty"`
	AttributeDataType          string                          `json:"AttributeDataType,omitempty"`
	DeveloperOnlyAttribute     *bool                           `json:"DeveloperOnlyAttribute,omitempty"`
	Mutable                    *bool                           `json:"Mutable,omitempty"`
	Required                   *bool                           `json:"Required,omitempty"`
	NumberAttributeConstraints *NumberAttributeConstraintsType `json:"NumberAttributeConstraints,omitempty"`
	StringAttributeConstraints *StringAttributeConstraintsType `json:"StringAttributeConstraints,omitempty"`
}

// StringAttributeConstraintsType bounds a String attribute's length. An
// empty object is kept and returned as such (schema_custom.go).
type StringAttributeConstraintsType struct {
	MinLength string `json:"MinLength,omitempty"`
	MaxLength string `json:"MaxLength,omitempty"`
}

// NumberAttributeConstraintsType bounds a Number attribute's value.
type NumberAttributeConstraintsType struct {
	MinValue string `json:"MinValue,omitempty"`
	MaxValue string `json:"MaxValue,omitempty"`
}

// PoolSettings is everything about a pool that CreateUserPool and
// UpdateUserPool set, stored as one document. Members userpool interprets are
// typed; the others are kept verbatim and returned as given.
type PoolSettings struct {
	Policies                    *UserPoolPolicyType              `json:"Policies,omitempty"`
	DeletionProtection          string                           `json:"DeletionProtection,omitempty"`
	LambdaConfig                json.RawMessage                  `json:"LambdaConfig,omitempty"`
	AutoVerifiedAttributes      []string                         `json:"AutoVerifiedAttributes,omitempty"`
	SmsVerificationMessage      string                           `json:"SmsVerificationMessage,omitempty"`
	EmailVerificationMessage    string                           `json:"EmailVerificationMessage,omitempty"`
	EmailVerificationSubject    string                           `json:"EmailVerificationSubject,omitempty"`
	VerificationMessageTemplate *VerificationMessageTemplateType `json:"VerificationMessageTemplate,omitempty"`
	SmsAuthenticationMessage    string                           `json:"SmsAuthenticationMessage,omitempty"`
	UserAttributeUpdateSettings json.RawMessage                  `json:"UserAttributeUpdateSettings,omitempty"`
	MfaConfiguration            string                           `json:"MfaConfiguration,omitempty"`
	DeviceConfiguration         json.RawMessage                  `json:"DeviceConfiguration,omitempty"`
	EmailConfiguration          json.RawMessage                  `json:"EmailConfiguration,omitempty"`
	SmsConfiguration            json.RawMessage                  `json:"SmsConfiguration,omitempty"`
	UserPoolTags                map[string]string                `json:"UserPoolTags,omitempty"`
	AdminCreateUserConfig       *AdminCreateUserConfigType       `json:"AdminCreateUserConfig,omitempty"`
	UserPoolAddOns              json.RawMessage                  `json:"UserPoolAddOns,omitempty"`
	AccountRecoverySetting      *AccountRecoverySettingType      `json:"AccountRecoverySetting,omitempty"`
	UserPoolTier                string                           `json:"UserPoolTier,omitempty"`
}

// ImmutablePoolSettings are fixed at creation (UpdateUserPool has no such members).
type ImmutablePoolSettings struct {
	SchemaAttributes      []SchemaAttributeType      `json:"SchemaAttributes,omitempty"`
	AliasAttributes       []string                   `json:"AliasAttributes,omitempty"`
	UsernameAttributes    []string                   `json:"UsernameAttributes,omitempty"`
	UsernameConfiguration *UsernameConfigurationType `json:"UsernameConfiguration,omitempty"`
}

// poolDoc is the stored pool document.
type poolDoc struct {
	PoolSettings
	ImmutablePoolSettings
	// MFA is the MFA configuration DescribeUserPool does not show
	// (mfa_pool_config.go).
	MFA *poolMFA `json:"Mfa,omitempty"`
	// Risk is the pool-wide risk configuration (risk_configuration.go).
	Risk *riskConfig `json:"Risk,omitempty"`
	// LogDelivery is the log delivery configuration (log_delivery.go).
	LogDelivery []LogConfigurationType `json:"LogDelivery,omitempty"`
}

// Cognito's defaults (spec §2.11, §3.3; DescribeUserPool samples in the AWS
// CLI examples).
const (
	defaultVerificationMessage = "Your verification code is {####}. "
	defaultVerificationSubject = "Your verification code"
)

func defaultPasswordPolicy() *PasswordPolicyType {
	return &PasswordPolicyType{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true,
		RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7}
}

// applyDefaults fills what Cognito fills when a member is omitted; it is
// used by both CreateUserPool and UpdateUserPool, because UpdateUserPool
// resets omitted members to their defaults (documented AWS behaviour).
func (p *PoolSettings) applyDefaults() {
	if p.Policies == nil {
		p.Policies = &UserPoolPolicyType{}
	}
	if p.Policies.PasswordPolicy == nil {
		p.Policies.PasswordPolicy = defaultPasswordPolicy()
	} else if pp := p.Policies.PasswordPolicy; pp.TemporaryPasswordValidityDays == 0 {
		pp.TemporaryPasswordValidityDays = 7
	}
	if p.Policies.PasswordPolicy.MinimumLength == 0 {
		p.Policies.PasswordPolicy.MinimumLength = 8
	}
	if p.DeletionProtection == "" {
		p.DeletionProtection = "INACTIVE"
	}
	if p.LambdaConfig == nil {
		p.LambdaConfig = json.RawMessage(`{}`)
	}
	if p.MfaConfiguration == "" {
		p.MfaConfiguration = "OFF"
	}
	p.applyMessageDefaults()
	if p.EmailConfiguration == nil {
		p.EmailConfiguration = json.RawMessage(`{"EmailSendingAccount":"COGNITO_DEFAULT"}`)
	}
	if p.AdminCreateUserConfig == nil {
		p.AdminCreateUserConfig = &AdminCreateUserConfigType{}
	}
	if p.AdminCreateUserConfig.UnusedAccountValidityDays == 0 {
		p.AdminCreateUserConfig.UnusedAccountValidityDays = p.Policies.PasswordPolicy.TemporaryPasswordValidityDays
	}
	if p.UserAttributeUpdateSettings == nil {
		p.UserAttributeUpdateSettings = json.RawMessage(`{"AttributesRequireVerificationBeforeUpdate":[]}`)
	}
	if p.UserPoolTier == "" {
		p.UserPoolTier = "ESSENTIALS"
	}
}

// applyMessageDefaults keeps the legacy top-level message fields and the
// VerificationMessageTemplate in step, as Cognito reports them both.
func (p *PoolSettings) applyMessageDefaults() {
	t := p.VerificationMessageTemplate
	if t == nil {
		t = &VerificationMessageTemplateType{}
		p.VerificationMessageTemplate = t
	}
	t.SmsMessage = firstNonEmpty(t.SmsMessage, p.SmsVerificationMessage, defaultVerificationMessage)
	t.EmailMessage = firstNonEmpty(t.EmailMessage, p.EmailVerificationMessage, defaultVerificationMessage)
	t.EmailSubject = firstNonEmpty(t.EmailSubject, p.EmailVerificationSubject, defaultVerificationSubject)
	t.DefaultEmailOption = firstNonEmpty(t.DefaultEmailOption, "CONFIRM_WITH_CODE")
	p.SmsVerificationMessage = t.SmsMessage
	p.EmailVerificationMessage = t.EmailMessage
	p.EmailVerificationSubject = t.EmailSubject
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// caseSensitive reports the pool's UsernameConfiguration.CaseSensitive;
// API-created pools default to case-sensitive (spec §2.3).
func (d *poolDoc) caseSensitive() bool {
	c := d.UsernameConfiguration
	return c == nil || c.CaseSensitive == nil || *c.CaseSensitive
}

func (d *poolDoc) usernameAttr(name string) bool { return slices.Contains(d.UsernameAttributes, name) }
func (d *poolDoc) aliasAttr(name string) bool    { return slices.Contains(d.AliasAttributes, name) }

func (d *poolDoc) passwordPolicy() *PasswordPolicyType {
	if d.Policies == nil || d.Policies.PasswordPolicy == nil {
		return defaultPasswordPolicy()
	}
	return d.Policies.PasswordPolicy
}

// emailSender returns the pool's EmailConfiguration.From and
// ReplyToEmailAddress ("" when unset: the server's --email-from applies).
func (d *poolDoc) emailSender() (from, replyTo string) {
	var ec struct {
		From                string `json:"From"`
		ReplyToEmailAddress string `json:"ReplyToEmailAddress"`
	}
	if len(d.EmailConfiguration) > 0 {
		_ = json.Unmarshal(d.EmailConfiguration, &ec) // validated by the model on the way in
	}
	return ec.From, ec.ReplyToEmailAddress
}
