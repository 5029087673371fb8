// BankLink from outside, driven by an independent client library: panva's oauth4webapi with its FAPI 2.0
// Security Profile settings (private_key_jwt, PAR, PKCE S256, DPoP, RFC 9207 iss), and a real Chromium
// for the customer's login and consent. Each step uses what the steps before it obtained, so a failed
// step skips the rest instead of failing them all for the same reason.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import * as oauth from 'oauth4webapi'
import { readConfig } from '../lib/config.js'
import { clientMetadata, createClientKey, loopbackHttp, redirectUri, register, thumbprint } from '../lib/client.js'
import { approveAccounts, authorize, deny, launchBrowser, logIn } from '../lib/browser.js'
import { nonceRetries, withNonceRetry } from '../lib/dpop.js'

const config = readConfig()
// Sent as max_age (OIDC Core §3.1.2.1), so BankLink must put auth_time in the ID token and oauth4webapi checks it.
const maxAge = 600

// What the steps hand on to each other: server metadata, the registered client, its credentials, tokens.
const flow = {}
let browser
let browserContext
let earlierStepFailed = false

function step(name, fn) {
  it(name, { timeout: 60_000 }, async (t) => {
    if (earlierStepFailed) {
      t.skip('an earlier step failed')
      return
    }
    try {
      await fn()
    } catch (err) {
      earlierStepFailed = true
      throw err
    }
  })
}

/** A pushed authorization request (RFC 9126 §2.1) with PKCE S256 (RFC 7636 §4.2), state and nonce; DPoP binds the code (RFC 9449 §10). */
async function pushAuthorizationRequest() {
  const codeVerifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const parameters = new URLSearchParams({
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid balance',
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    max_age: String(maxAge),
  })
  const pushed = await withNonceRetry(async () => {
    const response = await oauth.pushedAuthorizationRequest(flow.as, flow.client, flow.clientAuth, parameters, { DPoP: flow.dpop, ...loopbackHttp })
    return oauth.processPushedAuthorizationResponse(flow.as, flow.client, response)
  })
  return { ...pushed, codeVerifier, state, nonce }
}

/** The front-channel URL with only client_id and request_uri (RFC 9126 §4): nothing else travels through the browser. */
function authorizationUrl(requestUri) {
  const url = new URL(flow.as.authorization_endpoint)
  url.searchParams.set('client_id', flow.client.client_id)
  url.searchParams.set('request_uri', requestUri)
  return url
}

/** The customer in Chromium: logs in (unless the session is still there) and answers the consent page; resolves with the callback URL. */
function authorizeInBrowser(pushed, answerConsent) {
  return authorize(browserContext, authorizationUrl(pushed.request_uri), redirectUri, async (page) => {
    await logIn(page, config.loginId, config.password, config.otpSecret)
    await answerConsent(page)
  })
}

function exchangeCode(callbackParameters, codeVerifier, expectedNonce, dpop = flow.dpop) {
  return withNonceRetry(async () => {
    const response = await oauth.authorizationCodeGrantRequest(flow.as, flow.client, flow.clientAuth, callbackParameters, redirectUri, codeVerifier, { DPoP: dpop, ...loopbackHttp })
    const tokens = await oauth.processAuthorizationCodeResponse(flow.as, flow.client, response, { expectedNonce, maxAge, requireIdToken: true })
    return { tokens, response }
  })
}

function refresh(refreshToken) {
  return withNonceRetry(async () => {
    const response = await oauth.refreshTokenGrantRequest(flow.as, flow.client, flow.clientAuth, refreshToken, { DPoP: flow.dpop, ...loopbackHttp })
    return oauth.processRefreshTokenResponse(flow.as, flow.client, response)
  })
}

function userInfo(accessToken, dpop = flow.dpop) {
  return withNonceRetry(async () => {
    const response = await oauth.userInfoRequest(flow.as, flow.client, accessToken, { DPoP: dpop, ...loopbackHttp })
    return oauth.processUserInfoResponse(flow.as, flow.client, flow.subject, response)
  })
}

async function introspect(token) {
  const response = await oauth.introspectionRequest(flow.as, flow.client, flow.clientAuth, token, loopbackHttp)
  return oauth.processIntrospectionResponse(flow.as, flow.client, response)
}

async function revoke(token) {
  const response = await oauth.revocationRequest(flow.as, flow.client, flow.clientAuth, token, loopbackHttp)
  await oauth.processRevocationResponse(response)
}

/** A protected resource's refusal: 401 with a DPoP challenge carrying this error code (RFC 6750 §3, RFC 9449 §7.1). */
function isChallenge(error) {
  return (err) => {
    assert.ok(err instanceof oauth.WWWAuthenticateChallengeError, `expected a WWW-Authenticate challenge, got ${err}`)
    assert.equal(err.status, 401)
    assert.deepEqual(err.cause.map((c) => [c.scheme, c.parameters.error]), [['dpop', error]])
    return true
  }
}

/** A token endpoint refusal in the body (RFC 6749 §5.2). */
function isBodyError(error) {
  return (err) => {
    assert.ok(err instanceof oauth.ResponseBodyError, `expected an RFC 6749 error response, got ${err}`)
    assert.equal(err.error, error)
    return true
  }
}

describe('BankLink with oauth4webapi (FAPI 2.0 Security Profile)', () => {
  before(async () => {
    browser = await launchBrowser(config.chromiumPath)
    browserContext = await browser.newContext()
  })

  after(async () => {
    await browser?.close()
  })

  step('discovery: both metadata documents name this issuer and the FAPI 2.0 features (RFC 8414 §3, OIDC Discovery §4)', async () => {
    const oidc = await oauth.discoveryRequest(config.issuer, { algorithm: 'oidc', ...loopbackHttp })
      .then((response) => oauth.processDiscoveryResponse(config.issuer, response))
    const rfc8414 = await oauth.discoveryRequest(config.issuer, { algorithm: 'oauth2', ...loopbackHttp })
      .then((response) => oauth.processDiscoveryResponse(config.issuer, response))

    assert.deepEqual(rfc8414, oidc)
    assert.equal(oidc.require_pushed_authorization_requests, true)
    assert.equal(oidc.authorization_response_iss_parameter_supported, true)
    assert.ok(oidc.code_challenge_methods_supported.includes('S256'))
    assert.ok(oidc.dpop_signing_alg_values_supported.includes('ES256'))
    assert.ok(oidc.token_endpoint_auth_methods_supported.includes('private_key_jwt'))
    flow.as = oidc
  })

  step('registration with the onboarding token: a private_key_jwt client with DPoP-bound tokens (RFC 7591 §3)', async () => {
    const key = await createClientKey()

    const registered = await register(flow.as, clientMetadata(key.publicJwk), config.onboardingToken)

    assert.equal(registered.token_endpoint_auth_method, 'private_key_jwt')
    assert.equal(registered.dpop_bound_access_tokens, true)
    assert.deepEqual(registered.redirect_uris, [redirectUri])
    assert.equal(registered.id_token_signed_response_alg, 'ES256')
    // The client is what the server registered (RFC 7591 §3.2.1), as a provider would store it.
    flow.client = registered
    flow.clientAuth = oauth.PrivateKeyJwt(key.privateKey)
    const dpopKeys = await oauth.generateKeyPair('ES256')
    flow.dpop = oauth.DPoP(flow.client, dpopKeys)
    flow.dpopJkt = thumbprint(await crypto.subtle.exportKey('jwk', dpopKeys.publicKey))
  })

  step('pushed authorization request with DPoP: a request_uri for the browser (RFC 9126 §2.2)', async () => {
    const pushed = await pushAuthorizationRequest()

    assert.match(pushed.request_uri, /^urn:ietf:params:oauth:request_uri:/)
    assert.ok(pushed.expires_in > 0 && pushed.expires_in <= 600)
    if (config.expectDpopNonce) {
      assert.ok(nonceRetries() >= 1, 'BankLink requires DPoP nonces here, so the first proof must have been refused with use_dpop_nonce')
    }
    flow.pushed = pushed
  })

  step('login and consent in Chromium: the redirect carries code, state and iss, checked by validateAuthResponse (RFC 9207 §2.4)', async () => {
    const callback = await authorizeInBrowser(flow.pushed, (page) => approveAccounts(page, 1))

    flow.callbackParameters = oauth.validateAuthResponse(flow.as, flow.client, callback, flow.pushed.state)
    assert.ok(flow.callbackParameters.get('code'))
  })

  step('code exchange: DPoP-bound tokens and an ID token with this nonce, auth_time and a signature from jwks_uri (OIDC Core §3.1.3.7)', async () => {
    const { tokens, response } = await exchangeCode(flow.callbackParameters, flow.pushed.codeVerifier, flow.pushed.nonce)

    assert.equal(tokens.token_type, 'dpop')
    assert.ok(tokens.refresh_token)
    // oauth4webapi checked iss, aud, exp, iat, sub, nonce and auth_time. It checks the signature only when asked
    // (OIDC Core §3.1.3.7 step 6 lets a client skip it over TLS): ask, so jwks_uri and BankLink's keys are tested too.
    await oauth.validateApplicationLevelSignature(flow.as, response, loopbackHttp)
    const claims = oauth.getValidatedIdTokenClaims(tokens)
    assert.equal(claims.iss, flow.as.issuer)
    assert.equal(claims.aud, flow.client.client_id)
    flow.subject = claims.sub
    flow.tokens = tokens
  })

  step('refresh with the same DPoP key: a new DPoP-bound access token (RFC 6749 §6, RFC 9449 §5)', async () => {
    const refreshed = await refresh(flow.tokens.refresh_token)

    assert.equal(refreshed.token_type, 'dpop')
    assert.notEqual(refreshed.access_token, flow.tokens.access_token)
    flow.accessToken = refreshed.access_token
    // Without banklink_refresh_token_rotation the refresh token stays the same (RFC 6749 §6: MAY issue a new one).
    flow.refreshToken = refreshed.refresh_token ?? flow.tokens.refresh_token
  })

  step('userinfo with the DPoP-bound access token: the sub of the ID token (OIDC Core §5.3.2)', async () => {
    const info = await userInfo(flow.accessToken)

    assert.equal(info.sub, flow.subject)
  })

  step('the access token with a proof of another key is refused (RFC 9449 §7.1: sender-constrained)', async () => {
    const otherDpop = oauth.DPoP(flow.client, await oauth.generateKeyPair('ES256'))

    await assert.rejects(userInfo(flow.accessToken, otherDpop), isChallenge('invalid_dpop_proof'))
  })

  step('introspection: active, this client\'s, bound to the DPoP key by cnf.jkt (RFC 7662 §2.2, RFC 9449 §6.2)', async () => {
    const introspection = await introspect(flow.accessToken)

    assert.equal(introspection.active, true)
    assert.equal(introspection.client_id, flow.client.client_id)
    assert.equal(introspection.sub, flow.subject)
    assert.equal(introspection.cnf?.jkt, flow.dpopJkt)
  })

  step('revoking the access token: userinfo refuses it and introspection says inactive (RFC 7009 §2.2)', async () => {
    await revoke(flow.accessToken)

    await assert.rejects(userInfo(flow.accessToken), isChallenge('invalid_token'))
    assert.equal((await introspect(flow.accessToken)).active, false)
  })

  step('revoking the refresh token: the refresh grant is refused with invalid_grant (RFC 7009 §2.2, RFC 6749 §5.2)', async () => {
    await revoke(flow.refreshToken)

    await assert.rejects(refresh(flow.refreshToken), isBodyError('invalid_grant'))
  })

  step('a replayed authorization code is refused with invalid_grant (RFC 6749 §4.1.2: used at most once)', async () => {
    await assert.rejects(exchangeCode(flow.callbackParameters, flow.pushed.codeVerifier, flow.pushed.nonce), isBodyError('invalid_grant'))
  })

  step('a code pushed with a DPoP proof is refused with a proof of another key (RFC 9449 §10: code bound to the DPoP key)', async () => {
    const pushed = await pushAuthorizationRequest()
    const callback = await authorizeInBrowser(pushed, (page) => approveAccounts(page, 1))
    const parameters = oauth.validateAuthResponse(flow.as, flow.client, callback, pushed.state)
    const otherDpop = oauth.DPoP(flow.client, await oauth.generateKeyPair('ES256'))

    await assert.rejects(exchangeCode(parameters, pushed.codeVerifier, pushed.nonce, otherDpop), isBodyError('invalid_grant'))
  })

  step('consent denied: access_denied comes back with state and iss (RFC 6749 §4.1.2.1, RFC 9207 §2)', async () => {
    const pushed = await pushAuthorizationRequest()
    const callback = await authorizeInBrowser(pushed, deny)

    assert.throws(() => oauth.validateAuthResponse(flow.as, flow.client, callback, pushed.state), (err) => {
      assert.ok(err instanceof oauth.AuthorizationResponseError, `expected an authorization error response, got ${err}`)
      assert.equal(err.error, 'access_denied')
      return true
    })
  })
})
