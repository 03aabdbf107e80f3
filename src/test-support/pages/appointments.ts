import type { Page } from 'playwright-core'

/** The NHS appointments page, `/health/appointments`: import a FHIR bundle, and the contacts planned. */
export class AppointmentsPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(): Promise<this> {
    await this.page.goto(`${this.baseUrl}/health/appointments`)
    return this
  }

  /** Chooses a bundle file with this content and imports it. */
  async upload(fileName: string, content: string): Promise<void> {
    const form = this.page.getByTestId('bundle-form')
    await form
      .getByLabel('Bundle file')
      .setInputFiles({ name: fileName, mimeType: 'application/json', buffer: Buffer.from(content) })
    await Promise.all([this.page.waitForEvent('load'), form.getByTestId('import-bundle').click()])
  }

  /** Pastes a bundle into the text box and imports it. */
  async paste(text: string): Promise<void> {
    const form = this.page.getByTestId('bundle-form')
    await form.getByLabel('Or paste the bundle').fill(text)
    await Promise.all([this.page.waitForEvent('load'), form.getByTestId('import-bundle').click()])
  }

  /** What the import saved, as the banner says it; null when there is no result. */
  async summary(): Promise<string | null> {
    const summary = this.page.getByTestId('import-summary')
    return (await summary.count()) ? (await summary.innerText()).trim() : null
  }

  /** The ignored entries: [entry, why] for each. */
  async ignored(): Promise<string[][]> {
    return this.rows('ignored-entries')
  }

  /** The upcoming contacts planned: [when, victim, setting, where, planned by] for each. */
  async planned(): Promise<string[][]> {
    return this.rows('planned-contacts')
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

  private async rows(testId: string): Promise<string[][]> {
    const rows = this.page.getByTestId(testId).locator('tbody tr')
    const out: string[][] = []
    for (const row of await rows.all()) out.push((await row.locator('td').allInnerTexts()).map((t) => t.trim()))
    return out
  }
}

/** The page that plans a discreet contact at an appointment, `/victims/:id/appointments/:appointmentId/contact`. */
export class AppointmentContactPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(victimId: string, appointmentId: string): Promise<this> {
    await this.page.goto(`${this.baseUrl}/victims/${victimId}/appointments/${appointmentId}/contact`)
    return this
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  /** The victim's safe-contact details, in the one line every contact page shows. */
  async safeContact(): Promise<string> {
    return (await this.page.getByTestId('safe-contact-line').innerText()).trim()
  }

  /** Warnings that the planner will not place a visit at the appointment, in order, without the hidden 'Warning'. */
  async warnings(): Promise<string[]> {
    const texts = await this.page.getByTestId('contact-warning').locator('.govuk-warning-text__text').allInnerTexts()
    return texts.map((t) => t.replace(/^Warning\s*/, '').trim())
  }

  /** Plans the contact with this note; the result is the victim's record, or this page with errors. */
  async plan(note: string): Promise<void> {
    await this.page.getByLabel('Note for the IDVA team (optional)').fill(note)
    await Promise.all([this.page.waitForEvent('load'), this.page.getByRole('button', { name: /contact/ }).click()])
  }

  async errors(): Promise<string[]> {
    const summary = this.page.locator('.govuk-error-summary')
    if (!(await summary.count())) return []
    return (await summary.locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
  }
}
