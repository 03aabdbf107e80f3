import type { Page } from 'playwright-core'
import { AdminUserPage } from './admin-user.ts'

export interface NewUserForm {
  username: string
  displayName: string
  /** The agency as it appears in the list, for example "Lancashire Constabulary (demo) (Police force)". */
  agency: string
  /** Role labels, as on the checkboxes. */
  roles: string[]
  /** A temporary password to set; without one, Provide generates it. */
  password?: string
}

/** The form that adds a user, `/admin/users/new`. */
export class AdminNewUserPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  /** Fills in and submits the form; the result is the "User added" page or the form with errors. */
  async submit(form: Partial<NewUserForm>): Promise<void> {
    const f = this.page.getByTestId('user-form')
    if (form.username !== undefined) await f.getByLabel('Username').fill(form.username)
    if (form.displayName !== undefined) await f.getByLabel('Display name').fill(form.displayName)
    if (form.agency) await f.getByLabel('Agency').selectOption({ label: form.agency })
    const roles = f.getByRole('group', { name: 'Roles' })
    for (const role of form.roles ?? []) await roles.getByLabel(role, { exact: true }).check()
    // The password field is always sent back empty; left empty, Provide generates one.
    await f.getByLabel('Temporary password (optional)', { exact: true }).fill(form.password ?? '')
    await Promise.all([this.page.waitForEvent('load'), f.getByTestId('save-user').click()])
  }

  /** The error summary's messages, in order; empty when there is none. */
  async errors(): Promise<string[]> {
    const summary = this.page.locator('.govuk-error-summary')
    if (!(await summary.count())) return []
    return (await summary.locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
  }

  /** Follows an error summary link, as a keyboard user would, and says which field has focus. */
  async followError(message: string): Promise<string | null> {
    await this.page.locator('.govuk-error-summary').getByRole('link', { name: message }).click()
    return this.page.evaluate(() => document.activeElement?.id ?? null)
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  /** On the "User added" page: the generated password, shown this once, or null. */
  async temporaryPassword(): Promise<string | null> {
    const shown = this.page.getByTestId('temporary-password')
    return (await shown.count()) ? (await shown.innerText()).trim() : null
  }

  /** On the "User added" page: the new user's page. */
  async viewUser(): Promise<AdminUserPage> {
    await Promise.all([
      this.page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/),
      this.page.getByTestId('view-user').click(),
    ])
    return new AdminUserPage(this.page, this.baseUrl)
  }
}
