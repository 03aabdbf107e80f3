import type { Page } from 'playwright-core'

/** The access policy page (`/governance/policy`), read as a screen reader would read its table. */
export class PolicyPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(): Promise<this> {
    await this.page.goto(`${this.baseUrl}/governance/policy`)
    return this
  }

  /** The role column headers, in order. */
  async roles(): Promise<string[]> {
    const headers = await this.page.getByTestId('policy').locator('thead th').allInnerTexts()
    return headers.slice(1).map((h) => h.trim())
  }

  /** For each action id, the text of each role's cell, in column order. */
  async cells(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>()
    for (const row of await this.page.getByTestId('policy-row').all()) {
      const action = (await row.getAttribute('data-action')) ?? ''
      out.set(
        action,
        (await row.locator('td').allInnerTexts()).map((t) => t.trim()),
      )
    }
    return out
  }
}
