package userpool

import "fmt"

// Error is an error the client sees: Code is the Cognito exception name that
// goes into `__type` and `x-amzn-ErrorType`, Message the text that goes into
// `message` and `x-amzn-ErrorMessage`. The HTTP edge is the only writer.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Exception names (Cognito's __type values).
const (
	InvalidParameter         = "InvalidParameterException"
	ResourceNotFound         = "ResourceNotFoundException"
	NotAuthorized            = "NotAuthorizedException"
	UserNotFound             = "UserNotFoundException"
	UsernameExists           = "UsernameExistsException"
	AliasExists              = "AliasExistsException"
	InvalidPassword          = "InvalidPasswordException"
	UserNotConfirmed         = "UserNotConfirmedException"
	PasswordResetRequired    = "PasswordResetRequiredException"
	CodeMismatch             = "CodeMismatchException"
	ExpiredCode              = "ExpiredCodeException"
	LimitExceeded            = "LimitExceededException"
	TooManyRequests          = "TooManyRequestsException"
	UnsupportedOperation     = "UnsupportedOperationException"
	UnsupportedTokenType     = "UnsupportedTokenTypeException"
	InternalError            = "InternalErrorException"
	PasswordHistoryViolation = "PasswordHistoryPolicyViolationException"
	UnsupportedUserState     = "UnsupportedUserStateException"
	ForbiddenException       = "ForbiddenException"
	InvalidLambdaResponse    = "InvalidLambdaResponseException"
	UnexpectedLambda         = "UnexpectedLambdaException"
	UnauthorizedException    = "UnauthorizedException"
	GroupExists              = "GroupExistsException"
	DuplicateProvider        = "DuplicateProviderException"
	ScopeDoesNotExist        = "ScopeDoesNotExistException"
	FeatureUnavailableInTier = "FeatureUnavailableInTierException"
)

func newErr(code, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Code: code, Message: format}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// The message table. Every text a client can see is here, so that one
// observed against real Cognito can be corrected in one place. Texts are
// verbatim from docs/cognito-behaviour.md where it gives them
// (tag OBS/DOC there); the ones marked UNVERIFIED are our best choice.

// Fixed messages.
var (
	// spec §2.2 step 4, §3.2 step 4 (OBS).
	errUserClientNotFound = newErr(UserNotFound, "Username/client id combination not found.")
	// spec §6 AdminGetUser (DOC).
	errUserDoesNotExist = newErr(UserNotFound, "User does not exist.")
	// spec §2.5 (OBS).
	errUserDisabled = newErr(NotAuthorized, "User is disabled.")
	// spec §6 InitiateAuth (DOC/OBS).
	errIncorrectCredentials = newErr(NotAuthorized, "Incorrect username or password.")
	// spec §6 InitiateAuth, user-asks "failed sign-in lockout" (OBS).
	errPasswordAttemptsExceeded = newErr(NotAuthorized, "Password attempts exceeded")
	errUserNotConfirmed         = newErr(UserNotConfirmed, "User is not confirmed.")
	errResetRequired            = newErr(PasswordResetRequired, "Password reset required for the user")
	// OBS: AdminCreateUser on an existing username.
	errUserAccountExists = newErr(UsernameExists, "User account already exists")
	// OBS: SignUp on an existing username.
	errUserExists = newErr(UsernameExists, "User already exists")
	// OBS: AliasAttributes pool, alias held by another user.
	errAliasExists = newErr(AliasExists, "An account with the given email already exists.")
	errPhoneExists = newErr(AliasExists, "An account with the given phone_number already exists.")

	errInvalidAccessToken = newErr(NotAuthorized, "Invalid Access Token")
	errAccessTokenRevoked = newErr(NotAuthorized, "Access Token has been revoked")
	errAccessTokenExpired = newErr(NotAuthorized, "Access Token has expired")
	// OBS (Amplify issues): an access token from the OAuth endpoints
	// without aws.cognito.signin.user.admin calling a self-service operation.
	errAccessTokenScopes  = newErr(NotAuthorized, "Access Token does not have required scopes")
	errInvalidRefresh     = newErr(NotAuthorized, "Invalid Refresh Token")
	errRefreshRevoked     = newErr(NotAuthorized, "Refresh Token has been revoked")
	errRefreshExpired     = newErr(NotAuthorized, "Refresh Token has expired")
	errInvalidSession     = newErr(NotAuthorized, "Invalid session for the user.")
	errSessionExpired     = newErr(NotAuthorized, "Invalid session for the user, session is expired.")
	errTempPasswordExpiry = newErr(NotAuthorized, "Temporary password has expired and must be reset by an administrator.")
	errAuthFlowDisabled   = newErr(InvalidParameter, "Auth flow not enabled for this client")
	errUserPasswordFlow   = newErr(InvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
	errRefreshFlowOff     = newErr(InvalidParameter, "Refresh Token flow not enabled for this client") // UNVERIFIED
	errMissingUsername    = newErr(InvalidParameter, "Missing required parameter USERNAME")
	errMissingPassword    = newErr(InvalidParameter, "Missing required parameter PASSWORD")
	errMissingRefresh     = newErr(InvalidParameter, "Missing required parameter REFRESH_TOKEN")
	errMissingNewPassword = newErr(InvalidParameter, "Missing required parameter NEW_PASSWORD") // UNVERIFIED
	errFilterParse        = newErr(InvalidParameter, "Error while parsing filter.")
	errPaginationToken    = newErr(InvalidParameter, "Invalid pagination token.")                                            // UNVERIFIED
	errNotRefreshToken    = newErr(UnsupportedTokenType, "Unsupported token type.")                                          // UNVERIFIED
	errRevocationDisabled = newErr(UnsupportedOperation, "Token revocation is not enabled for this client.")                 // UNVERIFIED
	errAliasAndUsername   = newErr(InvalidParameter, "Only one of AliasAttributes and UsernameAttributes may be specified.") // UNVERIFIED
	errUsernameEmail      = newErr(InvalidParameter, "Username should be an email.")
	errUsernamePhone      = newErr(InvalidParameter, "Username should be a phone number.")
	errUsernameEmailPhone = newErr(InvalidParameter, "Username should be either an email or a phone number.")
	errUsernameIsUUID     = newErr(InvalidParameter, "Username cannot be of email or phone number format.") // UNVERIFIED
	errSubImmutable       = newErr(InvalidParameter, "Cannot modify the non-mutable attribute sub")         // UNVERIFIED
	errUnknownChallenge   = newErr(InvalidParameter, "Unknown or unsupported challenge name.")              // UNVERIFIED
)

// Account recovery (spec §2.12, §3.2).
var (
	// spec §2.4/§2.5 (OBS, many reports).
	errNoVerifiedContact = newErr(InvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
	// spec §2.5: FORCE_CHANGE_PASSWORD and EXTERNAL_PROVIDER users (OBS).
	errCannotReset = newErr(NotAuthorized, "User password cannot be reset in the current state.")
	// spec §2.4: admin_only (UNVERIFIED; moto's stand-in text).
	errAdminOnlyRecovery = newErr(NotAuthorized, "Contact administrator to reset password.")
	// spec §3.2 step 7 (OBS, very common).
	errCodeMismatch = newErr(CodeMismatch, "Invalid verification code provided, please try again.")
	errExpiredCode  = newErr(ExpiredCode, "Invalid code provided, please request a code again.")
	// spec §2.9 (OBS/DOC).
	errLimitExceeded = newErr(LimitExceeded, "Attempt limit exceeded, please try after some time.")
	// spec §2.9/§3.3: the account's UserAccountRecovery request rate (OBS
	// "Rate exceeded"; "Too many requests" is also seen).
	errRateExceeded = newErr(TooManyRequests, "Rate exceeded")
	// spec §3.2 step 9 (text UNVERIFIED).
	errPasswordReused = newErr(PasswordHistoryViolation, "The password you entered has been used recently. Please choose a different password.")
	// ResendConfirmationCode (OBS).
	errAlreadyConfirmed   = newErr(InvalidParameter, "User is already confirmed.")
	errNoAutoVerification = newErr(InvalidParameter, "Cannot resend codes. Auto verification not turned on.")
	// GetUserAttributeVerificationCode / VerifyUserAttribute without a value (UNVERIFIED).
	errNothingToVerify = newErr(InvalidParameter, "The user has no value for this attribute; only email and phone_number can be verified.")
)

// Pools, clients, users and triggers.
var (
	errTokenValidityRange   = newErr(InvalidParameter, "Invalid range for token validity.")                                                // UNVERIFIED
	errRefreshValidityOrder = newErr(InvalidParameter, "Refresh token validity must be greater than access and id token validity.")        // UNVERIFIED
	errRecoveryDuplicates   = newErr(InvalidParameter, "Recovery mechanisms must have unique names and priorities.")                       // UNVERIFIED
	errAdminOnlyCombined    = newErr(InvalidParameter, "admin_only recovery mechanism cannot be combined with other recovery mechanisms.") // UNVERIFIED
	// OBS: DeleteUserPool with DeletionProtection ACTIVE.
	errDeletionProtected     = newErr(InvalidParameter, "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
	errUnauthorizedAttribute = newErr(NotAuthorized, "A client attempted to write unauthorized attribute") // UNVERIFIED
	errClientAuthFailed      = newErr(NotAuthorized, "Client authentication failed.")                      // UNVERIFIED
	errTokenOtherClient      = newErr(InvalidParameter, "The token was not issued to this client.")        // UNVERIFIED
	// OBS: SignUp with AllowAdminCreateUserOnly.
	errSignUpNotPermitted = newErr(NotAuthorized, "SignUp is not permitted for this user pool")
	// OBS: email/phone as username, value held by another user.
	errUsernameEmailExists     = newErr(UsernameExists, "An account with the given email already exists.")
	errUsernamePhoneExists     = newErr(UsernameExists, "An account with the given phone_number already exists.")
	errPreferredUsernameExists = newErr(AliasExists, "An account with the given preferred_username already exists.")
	// spec §4.1/§4.4: a CustomMessage (or migration) answer that is not usable (OBS text).
	errBadCustomMessage = newErr(InvalidLambdaResponse, "Unrecognizable lambda output")
)

func errResendNotPossible(username string) *Error {
	return newErr(UnsupportedUserState, "Resend not possible. %s status is not FORCE_CHANGE_PASSWORD.", username) // UNVERIFIED
}

func errAutoVerifiedAttribute(name string) *Error {
	return newErr(InvalidParameter, "Invalid auto verified attribute: %s", name) // UNVERIFIED
}

// spec §4.1: the invocation failure text, when no Lambda endpoint is set.
func errNoLambdaEndpoint(trigger string) *Error {
	return newErr(UnexpectedLambda, "%s invocation failed due to error no Lambda endpoint is configured.", trigger)
}

// errTrigger carries a trigger failure whose code and text come from
// internal/triggers' own table (triggers.ErrorFor, spec §4.1).
func errTrigger(code, message string) *Error { return &Error{Code: code, Message: message} }

// errPolicy is an InvalidPasswordException: the operation's prefix and one
// of the policy texts below.
func errPolicy(prefix, reason string) *Error {
	return &Error{Code: InvalidPassword, Message: prefix + reason}
}

// Messages with parameters.

func errPoolNotFound(id string) *Error {
	return newErr(ResourceNotFound, "User pool %s does not exist.", id)
}

// spec §2.2 step 2 (OBS).
func errClientNotFound(id string) *Error {
	return newErr(ResourceNotFound, "User pool client %s does not exist.", id)
}

// spec §2.8 (OBS).
func errSecretNotReceived(clientID string) *Error {
	return newErr(NotAuthorized, "Client %s is configured for secret but secret was not received", clientID)
}

// spec §2.8 (OBS), the InitiateAuth AuthParameters variant.
func errSecretHashNotReceived(clientID string) *Error {
	return newErr(NotAuthorized, "Client %s is configured with secret but SECRET_HASH was not received", clientID)
}

// spec §2.8 (OBS).
func errSecretHashMismatch(clientID string) *Error {
	return newErr(NotAuthorized, "Unable to verify secret hash for client %s", clientID)
}

// spec §2.8 (OBS, older form).
func errSecretNotConfigured(clientID string) *Error {
	return newErr(InvalidParameter, "Client %s is not configured for secret but secret hash was received", clientID)
}

func errCannotConfirm(status string) *Error {
	return newErr(NotAuthorized, "User cannot be confirmed. Current status is %s", status)
}

func errUnsupportedFlow(flow string) *Error {
	return newErr(InvalidParameter, "Unsupported auth flow %s.", flow) // UNVERIFIED
}

// Schema violations: OBS "Attributes did not conform to the schema: <name>: <reason>".
func errSchema(name, reason string) *Error {
	return newErr(InvalidParameter, "Attributes did not conform to the schema: %s: %s", name, reason)
}

const (
	schemaUnknownAttr = "Attribute does not exist in the schema."
	schemaRequired    = "The attribute is required"     // UNVERIFIED
	schemaImmutable   = "Attribute cannot be updated."  // UNVERIFIED
	schemaNotNumber   = "Number must be a whole number" // UNVERIFIED
)

// The reasons a value breaks its attribute's constraints (schema_values.go).
// UNVERIFIED: the wording after the OBS prefix of errSchema.
func schemaTooLong(maxLen string) string {
	return "String must be no longer than " + maxLen + " characters"
}
func schemaTooShort(minLen string) string {
	return "String must be no shorter than " + minLen + " characters"
}
func schemaTooLarge(maxValue string) string { return "Number must be no greater than " + maxValue }
func schemaTooSmall(minValue string) string { return "Number must be no less than " + minValue }

// Password policy. The prefix differs by operation (spec §3.2 step 8 and its
// note): ConfirmForgotPassword/AdminSetUserPassword/RespondToAuthChallenge use
// "does not conform to", SignUp/ChangePassword "did not conform with".
const (
	policyPrefixConfirm = "Password does not conform to policy: "
	policyPrefixSignUp  = "Password did not conform with policy: "

	policyTooShort = "Password not long enough"
	policyUpper    = "Password must have uppercase characters"
	policyLower    = "Password must have lowercase characters"
	policyNumber   = "Password must have numeric characters"
	policySymbol   = "Password must have symbol characters"
)

// SRP (USER_SRP_AUTH and its PASSWORD_VERIFIER challenge, issue 15). A
// wrong proof, a stale or reused SECRET_BLOCK and a TIMESTAMP too far from
// the service's clock all answer errIncorrectCredentials, as Cognito
// answers every failed proof (OBS: ministack#1758's measurements;
// amazon-cognito-identity-js#58 for a skewed clock).
var (
	// OBS: aws-samples/aws-serverless-workshops#277.
	errSRPFlowDisabled = newErr(InvalidParameter, "USER_SRP_AUTH is not enabled for the client.")
	// OBS: aws/aws-sdk-cpp#452.
	errMissingSRPA = newErr(InvalidParameter, "Missing required parameter SRP_A")
	// SRP_A not hex, or ≡ 0 mod N (RFC 5054 section 2.5.4); Cognito answers an
	// InvalidParameterException (OBS: amazon-cognito-identity-js#356), text UNVERIFIED.
	errInvalidSRPA = newErr(InvalidParameter, "SRP_A is not a valid SRP public value.")
	// The PASSWORD_VERIFIER answer's parameters (UNVERIFIED: the pattern of
	// "Missing required parameter USERNAME").
	errMissingSecretBlock = newErr(InvalidParameter, "Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK")
	errMissingSignature   = newErr(InvalidParameter, "Missing required parameter PASSWORD_CLAIM_SIGNATURE")
	errMissingTimestamp   = newErr(InvalidParameter, "Missing required parameter TIMESTAMP")
	// OBS: amazon-cognito-identity-js#683.
	errTimestampFormat = newErr(InvalidParameter, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	// A DEVICE_KEY: devices are not implemented, so none exists. OBS
	// (amazon-cognito-identity-js#200); both JavaScript clients retry
	// without the key on exactly this text.
	errDeviceNotFound = newErr(ResourceNotFound, "Device does not exist.")
)

// MFA (issue 15). Sources: OBS = a text seen from Cognito in a public
// report (named); UNVERIFIED = our best choice, no report found.
const (
	EnableSoftwareTokenMFA    = "EnableSoftwareTokenMFAException"
	SoftwareTokenMFANotFound  = "SoftwareTokenMFANotFoundException"
	mfaNoDeliveryConfigPrefix = "User does not have delivery config set to turn on "
)

var (
	// SetUserPoolMfaConfig. OBS cdkd#1923, and the Terraform provider's comment.
	errMfaOffWithFactor = newErr(InvalidParameter, "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.")
	// OBS aws-sdk-js#4186, sst#5177.
	errMfaNoFactor = newErr(InvalidParameter, "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.")
	// OBS amplify-backend#1481 (the exception name UNVERIFIED).
	errSmsMfaRequired = newErr(InvalidParameter, "Can't turn off SMS_MFA when SMS configuration is set for the user pool")
	// OBS floci#2831 for an invalid caller ARN; for a missing SmsConfiguration UNVERIFIED.
	errSmsMfaConfig = newErr(InvalidParameter, "Invalid SMS MFA configuration given, external id and a valid caller arn are required")
	// UNVERIFIED: email MFA needs EmailSendingAccount DEVELOPER (DOC), the text is ours.
	errEmailMfaDeveloper = newErr(InvalidParameter, "Email MFA requires an EmailConfiguration with EmailSendingAccount DEVELOPER.")
	// CreateUserPool/UpdateUserPool ON or OPTIONAL without a factor. OBS aws-cdk#11478, panther#637.
	errMfaNeedsSms = newErr(InvalidParameter, "SMS configuration and Auto verification for phone_number are required when MFA is required/optional")

	// AssociateSoftwareToken / VerifySoftwareToken.
	errTotpPoolOff        = newErr(SoftwareTokenMFANotFound, "Software Token MFA has not been enabled by the userPool.") // UNVERIFIED text
	errTotpNotAssociated  = newErr(SoftwareTokenMFANotFound, "User has not set up software token mfa")                   // UNVERIFIED text
	errTokenOrSession     = newErr(InvalidParameter, "Exactly one of AccessToken and Session must be given.")            // UNVERIFIED
	errTotpVerifyMismatch = newErr(EnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")           // OBS aws-amplify-auth-starters#15
	// A TOTP code is accepted once per step. OBS amplify-swift integration
	// tests, and several applications that match on this text.
	errTokenUsedOnce = newErr(ExpiredCode, "Your software token has already been used once.")

	// Set(Admin)UserMFAPreference. OBS floci tests (SMS), many reports (SOFTWARE_TOKEN_MFA).
	errNoSmsDelivery   = newErr(InvalidParameter, mfaNoDeliveryConfigPrefix+"SMS_MFA")
	errNoTotpDelivery  = newErr(InvalidParameter, mfaNoDeliveryConfigPrefix+"SOFTWARE_TOKEN_MFA")
	errNoEmailDelivery = newErr(InvalidParameter, mfaNoDeliveryConfigPrefix+"EMAIL_OTP")        // by analogy, UNVERIFIED
	errTwoPreferred    = newErr(InvalidParameter, "Only one MFA type can be preferred.")        // UNVERIFIED
	errPreferredOff    = newErr(InvalidParameter, "A preferred MFA type must also be enabled.") // UNVERIFIED

	// Answering MFA challenges. OBS amplify-js#3066/#11069 (SMS), Amplify's
	// error strings and many applications (TOTP).
	errMfaCodeMismatch  = newErr(CodeMismatch, "Invalid code or auth state for the user.")
	errTotpCodeMismatch = newErr(CodeMismatch, "Invalid code received for user")
	// A challenge session answered before. OBS (a public API reference that
	// relays Cognito's texts verbatim next to the expired one).
	errSessionUsed     = newErr(NotAuthorized, "Invalid session for the user, session can only be used once.")
	errMfaTypeNotFound = newErr(InvalidParameter, "The selected MFA type is not available for the user.") // UNVERIFIED
)

// errMissingChallengeParam is a challenge response without a member the
// challenge needs, in the form of "Missing required parameter USERNAME".
func errMissingChallengeParam(name string) *Error {
	return newErr(InvalidParameter, "Missing required parameter %s", name)
}

// Groups and tags (issue 16). Sources as above: OBS = seen from Cognito in
// a public report (named); UNVERIFIED = our best choice.
var (
	// OBS amplify-cli#2214 (AdminAddUserToGroup on a missing group); used
	// for every operation on a missing group by analogy.
	errGroupNotFound = newErr(ResourceNotFound, "Group not found.")
)

// errGroupExists is CreateGroup on a taken name (text UNVERIFIED).
func errGroupExists(name string) *Error {
	return newErr(GroupExists, "A group with the name %s already exists.", name)
}

// errNotPoolArn is a tagging call on an ARN that is not a user pool of this
// region and account (exception and text UNVERIFIED).
func errNotPoolArn(arn string) *Error {
	return newErr(InvalidParameter, "%s is not a valid user pool ARN.", arn)
}

// Identity providers, domains, resource servers and UI customization
// (issue 16; the hosted UI of issue 17 serves them). Sources: OBS = a text
// seen from Cognito in a public report (named); UNVERIFIED = our best
// choice, no report found; the tests pin only the code of those.
var (
	// OBS: AWS::Cognito::UserPoolDomain failures in many CDK and
	// CloudFormation reports (aws-samples/websocket-chat-application#56).
	errDomainTaken = newErr(InvalidParameter, "Domain already associated with another user pool.")
	// OBS (aws-samples/websocket-chat-application#29 names it; exact text UNVERIFIED).
	errPoolHasDomain = newErr(InvalidParameter, "User pool already has a domain configured.")
	// OBS: mineiros-io/terraform-aws-cognito-user-pool#69, a prefix with dots.
	errDomainCharacters = newErr(InvalidParameter, "The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$")
	// OBS: terraform-provider-aws#16479, aws-nuke#330.
	errPoolHasDomainOnDelete = newErr(InvalidParameter, "User pool cannot be deleted. It has a domain configured that should be deleted first.")
	errDomainNotInPool       = newErr(InvalidParameter, "No such domain or user pool exists.")                // UNVERIFIED
	errCustomDomainName      = newErr(InvalidParameter, "The custom domain name is not a valid domain name.") // UNVERIFIED
	// OBS: amazon-connect/voicemail-for-amazon-connect#5, SetUICustomization
	// on a pool whose domain was never created.
	errNoDomainForUI = newErr(InvalidParameter, "A domain must be associated with this user pool.")
	// A hosted request (internal/hosted) for a domain no pool has; shown
	// as a 404 page, never on the AWS JSON wire. UNVERIFIED wording.
	errUnknownDomain = newErr(ResourceNotFound, "No such domain.")
)

// OAuth 2.0 answers of /oauth2/authorize, /login and /logout (issue 17).
// The codes are RFC 6749 section 4.1.2.1's, which Cognito's "Authorize endpoint"
// documents; redirect_mismatch is the code Cognito's /error page shows for
// an untrusted client or redirect URI. The descriptions are UNVERIFIED (the
// developer guide lists no texts): our best wording.
const (
	OAuthInvalidRequest          = "invalid_request"
	OAuthUnauthorizedClient      = "unauthorized_client"
	OAuthInvalidScope            = "invalid_scope"
	OAuthUnsupportedResponseType = "unsupported_response_type"
	OAuthRedirectMismatch        = "redirect_mismatch"
	OAuthServerError             = "server_error"
	descMissingClientID          = "client_id is required."
	descUnknownClient            = "The client does not exist in this user pool."
	descClientNotOAuth           = "The client is not enabled for OAuth 2.0 flows."
	descRedirectMismatch         = "redirect_uri does not match a callback URL of the client."
	descLogoutMismatch           = "logout_uri does not match a sign-out URL of the client."
	descUnsupportedResponseType  = "response_type must be code or token."
	descFlowNotAllowed           = "The client is not allowed this response_type."
	descInvalidScope             = "A requested scope is not allowed for the client."
	descChallengeMethod          = "code_challenge_method must be S256 or plain."
	descChallengeMalformed       = "code_challenge must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'."
	descChallengeMissing         = "code_challenge is required with code_challenge_method."
	descProviderNotSupported     = "identity_provider is not supported: this user pool signs in with COGNITO only."
	descInvalidPrompt            = "prompt must be none, or any of login, select_account and consent."
	// OIDC Core section 3.1.2.6: prompt=none and no signed-in session.
	OAuthLoginRequired    = "login_required"
	descLoginRequired     = "The user is not signed in and prompt=none forbids the sign-in page."
	descUnknownDomainPage = "No user pool has this domain."
	descServerError       = "An error was encountered with the requested page."
)

// oauthDescriptions are the texts the /error page shows for a code in its
// query; the page never echoes the query's own text.
var oauthDescriptions = map[string]string{
	OAuthRedirectMismatch: descRedirectMismatch,
	OAuthInvalidRequest:   "The request is missing a required parameter or has an invalid one.",
	OAuthServerError:      descServerError,
}

// OAuthErrorText is what the /error page shows for code (a generic text for
// codes it does not know).
func OAuthErrorText(code string) string {
	if d, ok := oauthDescriptions[code]; ok {
		return d
	}
	return descServerError
}

// Hosted pages' own refusals (internal/hosted). UNVERIFIED wording: the
// classic hosted UI checks these in the browser.
var (
	// The two password fields of /confirmForgotPassword differ.
	ErrHostedPasswordsDiffer = newErr(InvalidParameter, "Passwords do not match.")
	// A POST without the page's CSRF token (403, nothing changed).
	ErrHostedForbidden = newErr(ForbiddenException, "The form expired or did not come from this page. Go back and try again.")
	// MFA_SETUP in a pool that offers no authenticator app: SMS or email
	// MFA needs a phone number or email the pages do not collect; the
	// user gets one through the app (the API) first.
	ErrHostedMfaSetup = newErr(UnsupportedOperation, "This user must add a phone number or email address for multi-factor authentication before signing in here; only an authenticator app can be set up on these pages.")
	// Anything not a Cognito error (the text is Cognito's /error page's).
	ErrHostedInternal = newErr(InternalError, descServerError)
	// A challenge answered in the hosted pages that they do not offer.
	ErrHostedChallenge = newErr(InvalidParameter, "This challenge cannot be answered here.")
	// A hosted session cookie that no longer signs anyone in.
	errHostedSession = newErr(NotAuthorized, "The sign-in session is invalid or expired.")
)

// OBS: amplify-cli#1513 ("aws"); Cognito also reserves "amazon" and
// "cognito" in prefixes (developer guide).
func errDomainReservedWord(word string) *Error {
	return newErr(InvalidParameter, "Domain cannot contain reserved word: %s", word)
}

// OBS: aws-cloudformation/cloudformation-coverage-roadmap#1287 (CloudTrail).
func errProviderExists(name, poolID string) *Error {
	return newErr(DuplicateProvider, "%s already exists in user pool %s", name, poolID)
}

// UNVERIFIED, by analogy with errProviderExists.
func errIdentifierExists(id, poolID string) *Error {
	return newErr(DuplicateProvider, "Identifier %s already exists in user pool %s", id, poolID)
}

// OBS: aws/aws-cli#3179; social providers must be named as their type.
func errProviderNameType(name, typ string) *Error {
	return newErr(InvalidParameter, "Provider %s cannot be of type %s.", name, typ)
}

func errProviderNotFound(name string) *Error {
	return newErr(ResourceNotFound, "Identity provider %s does not exist.", name) // UNVERIFIED
}

func errIdentifierNotFound(id string) *Error {
	return newErr(ResourceNotFound, "Identity provider with identifier %s does not exist.", id) // UNVERIFIED
}

// OBS: lgallard/terraform-aws-cognito-user-pool#71, a client naming an IdP
// the pool does not have.
func errClientProvider(name, poolID string) *Error {
	return newErr(InvalidParameter, "The provider %s does not exist for User Pool %s.", name, poolID)
}

func errResourceServerExists(id string) *Error {
	return newErr(InvalidParameter, "%s already exists in this user pool.", id) // UNVERIFIED
}

func errResourceServerNotFound(id string) *Error {
	return newErr(ResourceNotFound, "Resource server %s does not exist.", id) // UNVERIFIED
}

func errScopeNotFound(scope string) *Error {
	return newErr(ScopeDoesNotExist, "Invalid scope requested: %s", scope) // UNVERIFIED
}

// Configuration (issue 16): schema declarations, AddCustomAttributes, risk
// and log delivery configurations, app client secrets.
var (
	// OBS: quoted from CloudFormation by Amplify and serverless users.
	errCustomRequired = newErr(InvalidParameter, "Required custom attributes are not supported currently.")
	// UNVERIFIED: no report of the quota's text.
	errTooManyCustom = newErr(InvalidParameter, "A user pool can have at most 50 custom attributes.")

	// Client secrets: the rules are DOC (API reference), the texts UNVERIFIED.
	errTooManySecrets = newErr(LimitExceeded, "An app client can have at most 2 client secrets.")
	errLastSecret     = newErr(InvalidParameter, "The last remaining client secret of an app client cannot be deleted.")

	// Log delivery: the rules are DOC (LogConfigurationType), the texts UNVERIFIED.
	errLogDestinations    = newErr(InvalidParameter, "A log configuration must have exactly one destination.")
	errLogNotifications   = newErr(InvalidParameter, "userNotification logs are delivered at ERROR level to CloudWatch Logs only.")
	errLogAuthEventsLevel = newErr(InvalidParameter, "userAuthEvents logs are delivered at INFO level only.")
	errLogNeedsPlus       = newErr(FeatureUnavailableInTier, "Exporting userAuthEvents logs requires the Plus feature plan.")
)

// errLogSourceTwice (UNVERIFIED text).
func errLogSourceTwice(source string) *Error {
	return newErr(InvalidParameter, "Only one log configuration is allowed for event source %s.", source)
}

// errClientAttributes: OBS for read/creating and write/updating (CDK and
// serverless users quote them); the other two pairs by analogy.
func errClientAttributes(kind, action string) *Error {
	return newErr(InvalidParameter, "Invalid %s attributes specified while %s a client", kind, action)
}

// errBadIPRange: a risk exception range that is not a CIDR block (UNVERIFIED text).
func errBadIPRange(r string) *Error {
	return newErr(InvalidParameter, "Invalid IP range %s: must be in CIDR notation.", r)
}

// Only a confidential client gets more secrets; an unknown secret ID.
// Both texts UNVERIFIED.
func errClientHasNoSecret(clientID string) *Error {
	return newErr(InvalidParameter, "App client %s is not configured with a client secret.", clientID)
}
func errSecretNotFound(id string) *Error {
	return newErr(ResourceNotFound, "Client secret %s does not exist.", id)
}

// errAttributeExists: a custom attribute declared again. The end is OBS (a
// deployment script matches "Existing attribute already has name" in
// Cognito's answers); the "custom:<declared>: " start is moto's.
func errAttributeExists(declared, stored string) *Error {
	return newErr(InvalidParameter, "%s: Existing attribute already has name %s.", declared, stored)
}

// The schema constraint texts are moto's (UNVERIFIED against Cognito).
func errStandardRetyped(name string) *Error {
	return newErr(InvalidParameter, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute %s", name)
}

func errBadConstraints(name, member string) *Error {
	return newErr(InvalidParameter, "Invalid %s for schema attribute %s", member, name)
}

// errDeclaration: a schema declaration's constraints contradict themselves,
// "user.<attribute>: <reason>".
func errDeclaration(name, reason string) *Error {
	return newErr(InvalidParameter, "user.%s: %s", name, reason)
}

const (
	declTooLong           = "String attributes cannot have a length of more than 2048"
	declMaxBelowMinLength = "Max length cannot be less than min length."
	declMaxBelowMinValue  = "Max value cannot be less than min value."
)

// OAuth 2.0 endpoints (issue 17): /oauth2/token, /oauth2/userInfo and
// /oauth2/revoke answer RFC 6749 section 5.2 JSON, {"error": Code} plus
// "error_description" where Cognito gives one, never AWS JSON. Codes and
// statuses follow the developer guide ("Token endpoint", "UserInfo
// endpoint", "Revoke endpoint"): every token-endpoint error is a 400,
// invalid_client included (the guide lists them all under "400 Bad
// Request"), while the revoke endpoint answers invalid_client with 401.

// OAuthError is an OAuth endpoint's refusal: HTTP Status, error Code and
// optional Description.
type OAuthError struct {
	Status      int
	Code        string
	Description string
}

func (e *OAuthError) Error() string { return "oauth: " + e.Code }

var (
	oauthInvalidRequest   = &OAuthError{Status: 400, Code: OAuthInvalidRequest}
	oauthInvalidClient    = &OAuthError{Status: 400, Code: "invalid_client"}
	oauthInvalidGrant     = &OAuthError{Status: 400, Code: "invalid_grant"}
	oauthUnauthorized     = &OAuthError{Status: 400, Code: OAuthUnauthorizedClient}
	oauthUnsupportedGrant = &OAuthError{Status: 400, Code: "unsupported_grant_type"}
	oauthInvalidScope     = &OAuthError{Status: 400, Code: OAuthInvalidScope}
	// Revoke endpoint: a token that is not a refresh token, and client
	// credentials that are not valid (401 there, DOC).
	oauthUnsupportedTokenType = &OAuthError{Status: 400, Code: "unsupported_token_type"}
	oauthRevokeInvalidClient  = &OAuthError{Status: 401, Code: "invalid_client"}
	// UserInfo endpoint: both descriptions are the guide's (DOC).
	oauthUserInfoBadRequest = &OAuthError{Status: 400, Code: OAuthInvalidRequest,
		Description: "Bad OAuth2 request at UserInfo Endpoint"}
	oauthInvalidToken = &OAuthError{Status: 401, Code: "invalid_token",
		Description: "Access token is expired, disabled, or deleted, or the user has globally signed out."}
	// Anything that is not the client's fault (store down, ...): RFC 6749
	// server_error; the cause is logged, never shown.
	oauthServerError = &OAuthError{Status: 500, Code: "server_error"}
)
