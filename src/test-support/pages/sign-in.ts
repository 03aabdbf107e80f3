import type { Page } from 'playwright-core'
import { DEMO_PASSWORD } from '../../demo/seed.ts'

export class SignInPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(): Promise<this> {
    await this.page.goto(`${this.baseUrl}/sign-in`)
    return this
  }

  /** Signs in and waits to leave the sign-in page, so the next step starts on a signed-in page. */
  async signIn(username: string, password: string = DEMO_PASSWORD): Promise<void> {
    await this.page.getByLabel('Username').fill(username)
    // exact: the password input's own "Show password" button also mentions the password
    await this.page.getByLabel('Password', { exact: true }).fill(password)
    await Promise.all([
      this.page.waitForURL((url) => url.pathname !== '/sign-in'),
      this.page.getByRole('button', { name: 'Sign in' }).click(),
    ])
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }
}
