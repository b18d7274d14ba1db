// srp-vectors.mjs writes internal/srp/testdata/vectors.json: SRP values
// computed by the two JavaScript clients apps ship, with fixed secrets, for
// the Go package internal/srp to reproduce.
//
//   cd e2e/js && npm ci && node srp-vectors.mjs > ../../internal/srp/testdata/vectors.json
//
// The client side (A, x, u, S, the HKDF key) comes from each library's own
// AuthenticationHelper with the random secret `a` replaced by a fixed one:
// amazon-cognito-identity-js (lib/AuthenticationHelper.js, as
// CognitoUser.authenticateUser uses it) and Amplify v6
// (@aws-amplify/auth .../utils/srp, as signIn() uses it); the script fails
// if the two disagree. The signature is Amplify's getSignatureString. The
// server side (v = g^x, B = k·v + g^b) is computed here with JavaScript's
// native BigInt, independently of both libraries' big-integer code.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cij = require('amazon-cognito-identity-js');
const CIJBigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const srpDir = new URL('./node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/', import.meta.url);
const { default: AmplifyHelper } = await import(new URL('AuthenticationHelper/AuthenticationHelper.mjs', srpDir));
const { default: AmplifyBigInteger } = await import(new URL('BigInteger/BigInteger.mjs', srpDir));
const { getSignatureString } = await import(new URL('getSignatureString.mjs', srpDir));

// Fixed "random" bytes: SHA-256 chains of a label, so the script stays short.
const bytes = (label, n) => {
	let out = Buffer.alloc(0);
	for (let i = 0; out.length < n; i++) out = Buffer.concat([out, createHash('sha256').update(`${label}/${i}`).digest()]);
	return out.subarray(0, n);
};
const hex = (label, n) => bytes(label, n).toString('hex');

const modPow = (base, exp, mod) => {
	let r = 1n;
	base %= mod;
	for (; exp > 0n; exp >>= 1n, base = (base * base) % mod) if (exp & 1n) r = (r * base) % mod;
	return r;
};

const cases = [
	// salt with its top bit set (padHex prepends 00), ASCII names
	{ poolName: 'AbCdEfGhI', userId: 'alice', password: 'Passw0rd!', salt: 'f1' + hex('salt1', 15) },
	// salt with a leading zero byte (padHex drops it)
	{ poolName: 'Zx9Yw8Vu7', userId: '7d2c9b3e-4a1f-4e8b-9c6d-2f1e0a9b8c7d', password: 'correct horse battery staple', salt: '00' + hex('salt2', 15) },
	// non-ASCII user name and password (UTF-8 in the hash)
	{ poolName: 'Q1w2E3r4T', userId: 'zoë', password: 'pässwörd-✓', salt: '3c' + hex('salt3', 15) },
	{ poolName: 'm0N1b2V3c', userId: 'bob@example.com', password: 'Sup3r$ecret', salt: hex('salt4', 16) },
];

const timestamps = ['Wed Dec 2 16:05:09 UTC 2026', 'Sat Jan 31 00:00:00 UTC 2026', 'Mon Mar 9 09:08:07 UTC 2026', 'Sun Nov 15 23:59:59 UTC 2026'];

const out = [];
for (const [i, c] of cases.entries()) {
	const aHex = hex(`a${i}`, 128);
	const bHex = hex(`b${i}`, 32);
	const secretBlock = bytes(`block${i}`, 48 + 7 * i).toString('base64');
	const timestamp = timestamps[i];

	// amazon-cognito-identity-js, with its random a replaced.
	const h = new cij.AuthenticationHelper(c.poolName);
	h.smallAValue = new CIJBigInteger(aHex, 16);
	h.largeAValue = undefined;
	let A;
	h.getLargeAValue((err, v) => { if (err) throw err; A = v; });
	const N = BigInt('0x' + h.N.toString(16));
	const k = BigInt('0x' + h.k.toString(16));
	const saltBI = new CIJBigInteger(c.salt, 16);
	const x = BigInt('0x' + h.hexHash(h.padHex(saltBI) + h.hash(`${c.poolName}${c.userId}:${c.password}`)));

	// The server's side, in native BigInt.
	const v = modPow(2n, x, N);
	const b = BigInt('0x' + bHex);
	const B = (k * v + modPow(2n, b, N)) % N;

	let key;
	h.getPasswordAuthenticationKey(c.userId, c.password, new CIJBigInteger(B.toString(16), 16), saltBI, (err, hkdf) => {
		if (err) throw err;
		key = Buffer.from(hkdf);
	});
	let S;
	h.calculateS(new CIJBigInteger(x.toString(16), 16), new CIJBigInteger(B.toString(16), 16), (err, s) => { if (err) throw err; S = s; });

	// Amplify v6, with the same a.
	const g = new AmplifyBigInteger('2', 16);
	const aN = new AmplifyBigInteger(N.toString(16), 16);
	const amp = new AmplifyHelper({ userPoolName: c.poolName, a: new AmplifyBigInteger(aHex, 16), g, A: new AmplifyBigInteger(A.toString(16), 16), N: aN });
	const ampKey = Buffer.from(await amp.getPasswordAuthenticationKey({
		username: c.userId, password: c.password,
		serverBValue: new AmplifyBigInteger(B.toString(16), 16), salt: new AmplifyBigInteger(c.salt, 16),
	}));
	if (!ampKey.equals(key)) throw new Error(`case ${i}: the two libraries derive different keys`);
	const signature = getSignatureString({ userPoolName: c.poolName, username: c.userId, challengeParameters: { SECRET_BLOCK: secretBlock }, dateNow: timestamp, hkdf: ampKey });

	out.push({
		...c, a: aHex, A: A.toString(16), b: bHex, B: B.toString(16), x: x.toString(16), v: v.toString(16),
		u: h.UValue.toString(16), S: S.toString(16), key: key.toString('hex'), secretBlock, timestamp, signature,
	});
}

const pkg = (name) => require(`${name}/package.json`).version;
process.stdout.write(JSON.stringify({
	provenance: `generated by e2e/js/srp-vectors.mjs with amazon-cognito-identity-js ${pkg('amazon-cognito-identity-js')} and @aws-amplify/auth ${pkg('@aws-amplify/auth')} under Node ${process.version}; fixed secrets a (128 bytes) and b (32 bytes) are SHA-256 chains of labels`,
	k: cases.length ? new cij.AuthenticationHelper('x').k.toString(16) : '',
	cases: out,
}, null, '\t') + '\n');
