// Package userpool holds every Cognito user-pool rule userpool reproduces:
// pools and app clients, users and their attributes, username and alias
// resolution, password policy, SecretHash, sign-in and tokens. It knows
// neither HTTP nor SQL: the server package decodes AWS JSON 1.1 requests into
// the Input types here and encodes the Output types, and the store package
// persists records.
//
// Input and output types carry Cognito's member names as JSON names, so a
// request body decodes into them directly and AWS docs can be grepped
// straight to code. Behaviour is cited against
// docs/cognito-behaviour.md at the repository root ("spec §N").
package userpool
