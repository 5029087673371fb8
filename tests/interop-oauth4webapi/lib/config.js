// What the interop test needs to know about the BankLink it drives, from the environment: the C# test
// (tests/BankLink.Server.Tests/OAuth4WebApiInteropTests.cs) sets these after starting the real binary.
// Run by hand against `./run.sh`: see this folder's README.md.

function required(name) {
  const value = process.env[name]
  if (!value) {
    throw new Error(`${name} is not set: see tests/interop-oauth4webapi/README.md`)
  }
  return value
}

export function readConfig() {
  return {
    // The issuer identifier exactly as BankLink is configured (BankLink:Issuer), e.g. http://127.0.0.1:5080.
    issuer: new URL(required('BANKLINK_ISSUER')),
    onboardingToken: required('BANKLINK_ONBOARDING_TOKEN'),
    loginId: required('BANKLINK_LOGIN_ID'),
    password: required('BANKLINK_PASSWORD'),
    // The base32 seed of the customer's software OTP token (README sandbox logins), for the login's second step.
    otpSecret: required('BANKLINK_OTP_SECRET'),
    chromiumPath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    // Set when BankLink runs with BankLink:Dpop:RequireNonce=true, so the test also checks that the
    // RFC 9449 §8 nonce round trip really happened instead of passing without it.
    expectDpopNonce: process.env.BANKLINK_EXPECT_DPOP_NONCE === 'true',
  }
}
