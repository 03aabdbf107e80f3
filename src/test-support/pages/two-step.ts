import type { Page } from 'playwright-core'
import { base32Decode } from '../../auth/totp.ts'

/** Setting up an authenticator: at sign-in when required (`/sign-in/enrol`) or on `/account/security`. */
export class EnrolPage {
  constructor(readonly page: Page) {}

  /** The setup key as shown (base32 in groups of four), decoded to the shared secret. */
  async secret(): Promise<Buffer> {
    return base32Decode(await this.page.getByTestId('secret').innerText())
  }

  async setupLink(): Promise<string> {
    await this.page.getByText('Show the setup link').click()
    return (await this.page.getByTestId('otpauth-uri').innerText()).trim()
  }

  /** Whether the QR code image has loaded (a data: SVG, which the CSP must allow). */
  async qrCodeLoaded(): Promise<boolean> {
    return this.page
      .getByTestId('qr-code')
      .evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)
  }

  async confirm(code: string): Promise<void> {
    await this.page.getByLabel('Code from the app').fill(code)
    await Promise.all([
      this.page.waitForEvent('load'),
      this.page.getByRole('button', { name: 'Turn on two-step sign-in' }).click(),
    ])
  }
}

/** The recovery codes, shown once after setting up or replacing them. */
export class RecoveryCodesPage {
  constructor(readonly page: Page) {}

  async codes(): Promise<string[]> {
    const items = await this.page.getByTestId('recovery-codes').locator('li').allInnerTexts()
    return items.map((c) => c.trim())
  }

  async done(): Promise<void> {
    await Promise.all([
      this.page.waitForEvent('load'),
      this.page.getByRole('button', { name: 'I have saved my recovery codes' }).click(),
    ])
  }
}

/** The second step of signing in. */
export class VerifyPage {
  constructor(readonly page: Page) {}

  async enter(code: string): Promise<void> {
    await this.page.getByLabel('Code', { exact: true }).fill(code)
    await Promise.all([this.page.waitForEvent('load'), this.page.getByRole('button', { name: 'Continue' }).click()])
  }

  async errors(): Promise<string[]> {
    const summary = this.page.locator('.govuk-error-summary')
    return (await summary.count()) ? (await summary.locator('li').allInnerTexts()).map((t) => t.trim()) : []
  }
}

/** Signs out with the button every signed-in page has. */
export async function signOut(page: Page): Promise<void> {
  await Promise.all([page.waitForURL((url) => url.pathname === '/sign-in'), page.getByTestId('sign-out').click()])
}
