import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import assert from 'node:assert/strict'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { AxeResults, Result } from 'axe-core'
import { buildApp } from '../server/app.ts'
import type { TestContext } from './app.ts'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** The WCAG 2.0, 2.1 and 2.2 level A and AA rules. axe-core has no `wcag22a` tag: 2.2's new A criteria are not machine-testable. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/** Debian's Chromium, which `npm test` checks for; no browser is ever downloaded. */
async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH
  if (!executablePath) throw new Error('CHROMIUM_PATH is not set. Run the suite with `npm test`.')
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

interface RunningApp {
  baseUrl: string
  close(): Promise<void>
}

/** The real app on an ephemeral port, so the browser goes through HTTP, cookies and the CSP like a user's. */
async function startApp(ctx: TestContext): Promise<RunningApp> {
  const app = await buildApp(ctx.deps)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() }
}

/**
 * Runs axe-core on the page and fails with a readable list of every WCAG A/AA violation.
 * axe is loaded with `page.evaluate`, which runs through the DevTools protocol and so is not
 * subject to the page's Content-Security-Policy. `addScriptTag({ content })` inserts an inline
 * script without the request's nonce, and fails with "Executing inline script violates the
 * following Content Security Policy directive 'script-src 'self' 'nonce-…''". A context with
 * `bypassCSP: true` also works, but would hide real CSP faults on the pages under test.
 */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  const loaded = await page.evaluate('typeof window.axe !== "undefined"')
  if (!loaded) await page.evaluate(AXE_SOURCE)
  const results = (await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run(c: Document, o: unknown): Promise<unknown> } }).axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      }),
    WCAG_TAGS,
  )) as AxeResults
  if (results.violations.length > 0) {
    throw new Error(`${label} (${page.url()}) has accessibility violations:\n${formatViolations(results.violations)}`)
  }
}

export function formatViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => {
        const why = (n.failureSummary ?? '').split('\n').filter((line) => line.trim())
        return [`    at ${n.target.join(' ')}`, ...why.map((line) => `      ${line.trim()}`)].join('\n')
      })
      return `  [${v.impact ?? 'unknown'}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes.join('\n')}`
    })
    .join('\n')
}

export interface PageWatch {
  /** Script errors and CSP violations (which the browser reports only on the console). */
  problems: string[]
  /** Stylesheets, scripts, fonts and images that did not load, by status and URL. */
  failedAssets: string[]
}

/** Watches a page for faults that leave it looking fine to axe but broken for a user. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { problems: [], failedAssets: [] }
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    // Failed loads are reported by URL below; this console message does not name the URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      watch.problems.push(`console error: ${message.text()}`)
    }
  })
  page.on('response', (response) => {
    // A form sent back with errors is a 400 by design; only failed sub-resources are faults.
    const type = response.request().resourceType()
    if (response.status() >= 400 && type !== 'document')
      watch.failedAssets.push(`${response.status()} ${type} ${response.url()}`)
  })
  return watch
}

/** A browser context of its own (its own cookies) with one page, watched for faults. */
export interface BrowserTab {
  context: BrowserContext
  page: Page
  watch: PageWatch
}

async function openTab(browser: Browser): Promise<BrowserTab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  // Pages render in milliseconds here; a missing element should fail fast, not after 30 seconds.
  context.setDefaultTimeout(5000)
  const page = await context.newPage()
  return { context, page, watch: watchPage(page) }
}

/**
 * A browser suite's fixtures: the app on `ctx`, a browser, and the tabs the suite opens. `close`
 * ends them all, and `ctx` too.
 */
export interface BrowserSession {
  baseUrl: string
  browser: Browser
  tab(): Promise<BrowserTab>
  close(): Promise<void>
}

export async function browserSession(ctx: TestContext): Promise<BrowserSession> {
  const running = await startApp(ctx)
  let browser: Browser
  try {
    browser = await launchBrowser()
  } catch (error) {
    await running.close()
    throw error
  }
  const tabs: BrowserTab[] = []
  return {
    baseUrl: running.baseUrl,
    browser,
    async tab() {
      const tab = await openTab(browser)
      tabs.push(tab)
      return tab
    },
    async close() {
      for (const tab of tabs) await tab.context.close()
      await browser.close()
      await running.close()
      await ctx.close()
    },
  }
}

/** Every page must pass axe, run its scripts without errors or CSP violations, and load its assets. */
export async function checkTab(tab: Pick<BrowserTab, 'page' | 'watch'>, label: string): Promise<void> {
  await assertAccessible(tab.page, label)
  assert.deepEqual(tab.watch.problems.splice(0), [], `${label}: script errors or CSP violations`)
  assert.deepEqual(tab.watch.failedAssets.splice(0), [], `${label}: assets that did not load`)
}
