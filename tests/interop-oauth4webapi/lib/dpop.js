// DPoP server nonces (RFC 9449 §8): a server may refuse a proof without its nonce, answering
// use_dpop_nonce with a DPoP-Nonce header. oauth4webapi's DPoP handle caches that nonce; the client
// retries once, as panva's FAPI 2.0 example does. Counted, so the test can tell the round trip happened.
import * as oauth from 'oauth4webapi'

let retries = 0

export function nonceRetries() {
  return retries
}

/** Runs `attempt` (request + process), and once more when the server asked for a DPoP nonce. */
export async function withNonceRetry(attempt) {
  try {
    return await attempt()
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) {
      throw err
    }
    retries++
    return attempt()
  }
}
