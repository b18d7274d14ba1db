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
import {
	signIn, signOut, fetchAuthSession, resetPassword, confirmResetPassword, confirmSignIn,
	setUpTOTP, verifyTOTPSetup, updateMFAPreference,
} from 'aws-amplify/auth';
import cij from 'amazon-cognito-identity-js';
import { createHmac } from 'node:crypto';

const { USERPOOL_ENDPOINT: endpoint, POOL_ID: userPoolId, CLIENT_ID: clientId } = process.env;
if (!endpoint || !userPoolId || !clientId || process.argv.length !== 3) {
	console.error('usage: USERPOOL_ENDPOINT=... POOL_ID=... CLIENT_ID=... node flow.mjs <JSON steps>');
	process.exit(2);
}
// The endpoint ends in "/": amazon-cognito-identity-js posts to it as is.
const base = endpoint.endsWith('/') ? endpoint : endpoint + '/';

Amplify.configure({ Auth: { Cognito: { userPoolId, userPoolClientId: clientId, userPoolEndpoint: base } } });

// totp is RFC 6238 (HMAC-SHA1, 6 digits, 30 s) over a base32 secret, as an
// authenticator app computes it; at is a time in milliseconds.
function totp(secret, at) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
	const mac = createHmac('sha1', key).update(counter).digest();
	const o = mac[mac.length - 1] & 15;
	return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// newestMfaCode reads the user's newest MFA code from the development API,
// as a test author would.
async function newestMfaCode(user) {
	const q = new URLSearchParams({ userPoolId, username: user, purpose: 'MFA', limit: '1' });
	const r = await fetch(`${base}_userpool/messages?${q}`);
	const { messages } = await r.json();
	if (!messages?.length) throw new Error('no MFA message in the development inbox');
	return messages[0].code;
}

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
	// totpFlow: sign in, set up an authenticator (setUpTOTP,
	// verifyTOTPSetup), prefer it, sign out; then sign in again and answer
	// the TOTP challenge with confirmSignIn and a code of the next step
	// (the setup's code is used once).
	async totpFlow({ user, password }) {
		const first = await signIn({ username: user, password });
		if (!first.isSignedIn) return { signedIn: false, nextStep: first.nextStep.signInStep };
		const details = await setUpTOTP();
		const secret = details.sharedSecret;
		await verifyTOTPSetup({ code: totp(secret, Date.now()) });
		await updateMFAPreference({ totp: 'PREFERRED' });
		await signOut();
		const again = await signIn({ username: user, password });
		if (again.nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_TOTP_CODE') return { signedIn: false, nextStep: again.nextStep.signInStep };
		const done = await confirmSignIn({ challengeResponse: totp(secret, Date.now() + 30000) });
		if (!done.isSignedIn) return { signedIn: false, nextStep: done.nextStep.signInStep };
		const { tokens } = await fetchAuthSession();
		await signOut();
		return { signedIn: true, username: tokens.accessToken.payload.username, flow: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' };
	},
	// signInCode: sign in, expect an SMS or email code challenge, read the
	// code from the development inbox and answer it with confirmSignIn.
	async signInCode({ user, password }) {
		const out = await signIn({ username: user, password });
		const step = out.nextStep.signInStep;
		if (step !== 'CONFIRM_SIGN_IN_WITH_SMS_CODE' && step !== 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE') return { signedIn: out.isSignedIn, nextStep: step };
		const done = await confirmSignIn({ challengeResponse: await newestMfaCode(user) });
		if (!done.isSignedIn) return { signedIn: false, nextStep: done.nextStep.signInStep };
		const { tokens } = await fetchAuthSession();
		await signOut();
		return { signedIn: true, username: tokens.accessToken.payload.username, flow: step };
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
