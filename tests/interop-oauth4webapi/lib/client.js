// A FAPI 2.0 client as a provider would build it with oauth4webapi: its own ES256 key for private_key_jwt
// (RFC 7523 §2.2), a separate DPoP key (RFC 9449), and registration with BankLink's onboarding token
// (RFC 7591 §3, the token as the "initial access token").
import { createHash } from 'node:crypto'
import * as oauth from 'oauth4webapi'

// BankLink is reached over plain http on 127.0.0.1 in this test, and oauth4webapi refuses non-https
// endpoints unless told otherwise. This is a loopback-only test setting: a real deployment serves the
// issuer over TLS (FAPI 2.0 Security Profile §5.2.1), and a provider's code never sets this.
export const loopbackHttp = { [oauth.allowInsecureRequests]: true }

// A loopback redirect URI (RFC 8252 §7.3). Nothing listens there: the browser's request to it is
// intercepted (lib/browser.js), which is where a real client's callback handler would take over.
export const redirectUri = 'http://127.0.0.1:8976/interop/callback'

export const scope = 'openid balance transactions'

/** The client's signing key: the private part signs assertions, the public part goes into registration. */
export async function createClientKey() {
  const keyPair = await oauth.generateKeyPair('ES256')
  const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey)
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, use: 'sig', alg: 'ES256', kid: thumbprint(jwk) }
  return { privateKey: { key: keyPair.privateKey, kid: publicJwk.kid }, publicJwk }
}

/** RFC 7638 JWK thumbprint of an EC public key: the required members in lexicographic order, SHA-256, base64url. */
export function thumbprint({ crv, kty, x, y }) {
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url')
}

/** The metadata of a FAPI 2.0 confidential client (RFC 7591 §2), as BankLink's registration rules ask. */
export function clientMetadata(publicJwk) {
  return {
    client_name: 'oauth4webapi interop test',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    id_token_signed_response_alg: 'ES256',
    dpop_bound_access_tokens: true,
    jwks: { keys: [publicJwk] },
  }
}

/** Registers the client (RFC 7591 §3.1) with the onboarding token as the bearer token; answers the registered metadata. */
export async function register(as, metadata, onboardingToken) {
  const response = await oauth.dynamicClientRegistrationRequest(as, metadata, { initialAccessToken: onboardingToken, ...loopbackHttp })
  return oauth.processDynamicClientRegistrationResponse(response)
}
