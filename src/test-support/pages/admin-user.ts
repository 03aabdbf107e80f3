import type { Page } from 'playwright-core'

/** One user's account as an administrator sees it, `/admin/users/:id`. */
export class AdminUserPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  /** A row of the account summary, by its key ("Roles", "Status", ...). */
  async summary(key: string): Promise<string> {
    const row = this.page.getByTestId('user-summary').locator('.govuk-summary-list__row', {
      has: this.page.locator('dt', { hasText: key }),
    })
    return (await row.locator('dd').first().innerText()).replace(/\s+/g, ' ').trim()
  }

  async status(): Promise<string> {
    return (await this.page.getByTestId('status').innerText()).trim()
  }

  /** The success banner's text, or null when there is none. */
  async banner(): Promise<string | null> {
    const banner = this.page.locator('.govuk-notification-banner--success')
    return (await banner.count()) ? (await banner.innerText()).replace(/\s+/g, ' ').trim() : null
  }

  async canDisable(): Promise<boolean> {
    return (await this.page.getByTestId('disable-user').count()) > 0
  }

  /** Opens the confirmation page; `confirm()` then disables the account. */
  async startDisabling(): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/disable$/),
      this.page.getByRole('button', { name: 'Disable account' }).click(),
    ])
  }

  async confirm(): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}\?saved=disabled$/),
      this.page.getByTestId('confirm-disable').click(),
    ])
  }

  async enable(): Promise<void> {
    await Promise.all([this.page.waitForURL(/\?saved=enabled$/), this.page.getByTestId('enable-user').click()])
  }
}
