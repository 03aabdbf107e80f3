import type { Page } from 'playwright-core'
import { AdminNewUserPage } from './admin-user-form.ts'
import { AdminUserPage } from './admin-user.ts'

export interface UserRow {
  username: string
  name: string
  agency: string
  roles: string
  status: string
}

/** The administrator's list of users, `/admin/users`. */
export class AdminUsersPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(): Promise<this> {
    await this.page.goto(`${this.baseUrl}/admin/users`)
    return this
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  /** The sections of the administration sub-navigation, and which is current. */
  async sections(): Promise<{ names: string[]; current: string | null }> {
    const nav = this.page.getByRole('navigation', { name: 'Administration' })
    const names = (await nav.getByRole('link').allInnerTexts()).map((t) => t.trim())
    const current = nav.locator('[aria-current="page"]')
    return { names, current: (await current.count()) ? (await current.innerText()).trim() : null }
  }

  /** Sets the filters by their visible labels and applies them. */
  async filter(by: { search?: string; agency?: string; role?: string; status?: string }): Promise<void> {
    const form = this.page.getByTestId('user-filters')
    if (by.search !== undefined) await form.getByLabel('Name or username').fill(by.search)
    if (by.agency) await form.getByLabel('Agency').selectOption({ label: by.agency })
    if (by.role) await form.getByLabel('Role').selectOption({ label: by.role })
    if (by.status) await form.getByLabel('Status').selectOption({ label: by.status })
    await Promise.all([this.page.waitForEvent('load'), form.getByTestId('apply-filters').click()])
  }

  async total(): Promise<number> {
    return Number(await this.page.getByTestId('total').innerText())
  }

  async rows(): Promise<UserRow[]> {
    const out: UserRow[] = []
    for (const row of await this.page.getByTestId('user-row').all()) {
      const cells = row.locator('td')
      out.push({
        username: (await row.getAttribute('data-username')) ?? '',
        name: (await cells.nth(0).innerText()).trim(),
        agency: (await cells.nth(2).innerText()).trim(),
        roles: (await cells.nth(3).innerText()).trim(),
        status: (await row.getByTestId('status').innerText()).trim(),
      })
    }
    return out
  }

  async addUser(): Promise<AdminNewUserPage> {
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === '/admin/users/new'),
      this.page.getByRole('button', { name: 'Add a user' }).click(),
    ])
    return new AdminNewUserPage(this.page, this.baseUrl)
  }

  async openUser(displayName: string): Promise<AdminUserPage> {
    await Promise.all([
      this.page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/),
      this.page.getByTestId('users').getByRole('link', { name: displayName, exact: true }).click(),
    ])
    return new AdminUserPage(this.page, this.baseUrl)
  }
}
