// The customer's part of the code flow in a real Chromium (Playwright, with the system's browser: no
// browser download): open the authorization URL, log in, choose accounts, answer the consent page, and
// catch the redirect back to the client (RFC 6749 §4.1.2) where the client's callback would receive it.
import { createHmac } from 'node:crypto'
import { chromium } from 'playwright-core'

const pageTimeoutMs = 15_000

export async function launchBrowser(executablePath) {
  return chromium.launch({ executablePath, headless: true })
}

/**
 * Opens `authorizationUrl` in a fresh page of `context` and lets `answer(page)` act as the customer.
 * Resolves with the URL the browser was sent to under `redirectUri`; that request is answered here and
 * never reaches the network.
 */
export async function authorize(context, authorizationUrl, redirectUri, answer) {
  const page = await context.newPage()
  page.setDefaultTimeout(pageTimeoutMs)
  try {
    let received
    const callback = new Promise((resolve) => { received = resolve })
    await page.route((url) => url.href.startsWith(redirectUri), async (route) => {
      received(new URL(route.request().url()))
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback received by the interop test' })
    })
    await page.goto(authorizationUrl.href)
    await answer(page)
    return await withTimeout(callback, `no redirect to ${redirectUri} within ${pageTimeoutMs} ms; the page is at ${page.url()}`)
  } finally {
    await page.close()
  }
}

async function withTimeout(promise, message) {
  let timer
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), pageTimeoutMs) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The login: login ID and password, then the one-time password the customer's authenticator app would show
 * (TOTP, RFC 6238: HMAC-SHA1, 30 s, 6 digits). A session cookie from an earlier login makes BankLink skip it.
 */
export async function logIn(page, loginId, password, otpSecret) {
  if (!page.url().includes('/login')) {
    return
  }
  await page.fill('#login_id', loginId)
  await page.fill('#password', password)
  await Promise.all([page.waitForURL((url) => url.pathname === '/login/otp'), page.click('button[type=submit]')])
  await page.fill('#otp', totp(otpSecret, Date.now()))
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('button[type=submit]')])
}

/** RFC 6238 §4 with RFC 4226 §5.3's dynamic truncation. */
export function totp(base32Secret, nowMs) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(nowMs / 1000 / 30)))
  const mac = createHmac('sha1', base32Decode(base32Secret)).update(counter).digest()
  const offset = mac[mac.length - 1] & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 1_000_000).padStart(6, '0')
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  }
  const bytes = []
  for (let i = 0; i + 8 <= bits.length; i += 8) {
    bytes.push(parseInt(bits.slice(i, i + 8), 2))
  }
  return Buffer.from(bytes)
}

/** The consent page: ticks the first `count` linkable accounts (checkboxes named account) and approves. */
export async function approveAccounts(page, count) {
  await page.waitForURL((url) => url.pathname === '/consent')
  const linkable = page.locator('input[name=account]:not([disabled])')
  for (let i = 0; i < count; i++) {
    await linkable.nth(i).check()
  }
  await page.click('button[name=approve]')
}

export async function deny(page) {
  await page.waitForURL((url) => url.pathname === '/consent')
  await page.click('button[name=deny]')
}
