// The customer's part of the code flow in a real Chromium (Playwright, with the system's browser: no
// browser download): open the authorization URL, log in, choose accounts, answer the consent page, and
// catch the redirect back to the client (RFC 6749 §4.1.2) where the client's callback would receive it.
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

/** The login page: login ID and password. A session cookie from an earlier login makes BankLink skip it. */
export async function logIn(page, loginId, password) {
  if (!page.url().includes('/login')) {
    return
  }
  await page.fill('#login_id', loginId)
  await page.fill('#password', password)
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('button[type=submit]')])
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
