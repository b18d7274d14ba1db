// flow.mjs runs sign-in steps with the UNMODIFIED client libraries apps
// ship, against a userpool server, and prints one JSON line per step. The
// Go test cmd/userpool/js_e2e_test.go starts `userpool serve --dev`, sets
// the pool up, runs this script and checks every line.
//
//   USERPOOL_ENDPOINT=http://127.0.0.1:9229 POOL_ID=us-east-1_x CLIENT_ID=y \
//     node flow.mjs '[{"lib":"amplify","op":"signIn","user":"u","password":"p"}]'
//
// Steps: lib "cij" (amazon-cognito-identity-js) op signIn — authenticateUser,
// whose default flow is USER_SRP_AUTH; lib "amplify" (Amplify v6) op signIn
// — signIn() without options, also USER_SRP_AUTH —, resetPassword and
// confirmResetPassword (with "code"). A line is {"ok":true,...} or
// {"ok":false,"name":<Cognito exception>,"message":...}.
import { Amplify } from 'aws-amplify';
import { signIn, signOut, fetchAuthSession, resetPassword, confirmResetPassword } from 'aws-amplify/auth';
import cij from 'amazon-cognito-identity-js';

const { USERPOOL_ENDPOINT: endpoint, POOL_ID: userPoolId, CLIENT_ID: clientId } = process.env;
if (!endpoint || !userPoolId || !clientId || process.argv.length !== 3) {
	console.error('usage: USERPOOL_ENDPOINT=... POOL_ID=... CLIENT_ID=... node flow.mjs <JSON steps>');
	process.exit(2);
}
// The endpoint ends in "/": amazon-cognito-identity-js posts to it as is.
const base = endpoint.endsWith('/') ? endpoint : endpoint + '/';

Amplify.configure({ Auth: { Cognito: { userPoolId, userPoolClientId: clientId, userPoolEndpoint: base } } });

const payload = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

const amplify = {
	async signIn({ user, password }) {
		const out = await signIn({ username: user, password });
		if (!out.isSignedIn) return { signedIn: false, nextStep: out.nextStep.signInStep };
		const { tokens } = await fetchAuthSession();
		await signOut();
		return { signedIn: true, username: tokens.accessToken.payload.username };
	},
	async resetPassword({ user }) {
		const out = await resetPassword({ username: user });
		return { nextStep: out.nextStep.resetPasswordStep, medium: out.nextStep.codeDeliveryDetails?.deliveryMedium };
	},
	async confirmResetPassword({ user, password, code }) {
		await confirmResetPassword({ username: user, newPassword: password, confirmationCode: code });
		return {};
	},
};

const identity = {
	signIn({ user, password }) {
		const pool = new cij.CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint: base });
		const u = new cij.CognitoUser({ Username: user, Pool: pool });
		const details = new cij.AuthenticationDetails({ Username: user, Password: password });
		return new Promise((resolve, reject) => u.authenticateUser(details, {
			onSuccess: (session) => resolve({ signedIn: true, flow: u.authenticationFlowType, username: payload(session.getAccessToken().getJwtToken()).username }),
			onFailure: reject,
			newPasswordRequired: () => resolve({ signedIn: false, nextStep: 'NEW_PASSWORD_REQUIRED' }),
		}));
	},
};

const libs = { amplify, cij: identity };
for (const step of JSON.parse(process.argv[2])) {
	const run = libs[step.lib]?.[step.op];
	if (!run) {
		console.error(`unknown step ${JSON.stringify(step)}`);
		process.exit(2);
	}
	try {
		console.log(JSON.stringify({ ...step, ok: true, ...(await run(step)) }));
	} catch (err) {
		console.log(JSON.stringify({ ...step, ok: false, name: err.code || err.name, message: err.message }));
	}
}
