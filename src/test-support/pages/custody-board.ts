import type { Page } from 'playwright-core'

export interface CustodyRow {
  reference: string
  suspect: string
  release: string
}

export class CustodyBoardPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(): Promise<this> {
    await this.page.goto(`${this.baseUrl}/custody`)
    return this
  }

  /** Reached through the service navigation, as a user would. */
  async openFromNavigation(): Promise<this> {
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === '/custody'),
      this.page.getByRole('navigation').getByRole('link', { name: 'Custody board' }).click(),
    ])
    return this
  }

  async rows(): Promise<CustodyRow[]> {
    const out: CustodyRow[] = []
    for (const row of await this.page.getByTestId('custody-row').all()) {
      const cells = row.locator('td')
      out.push({
        reference: (await cells.nth(0).getByRole('link').innerText()).trim(),
        suspect: (await cells.nth(1).innerText()).trim(),
        release: (await cells.nth(3).innerText()).trim(),
      })
    }
    return out
  }
}
