import type { Page } from 'playwright-core'

export interface DecisionForm {
  /** The decision's label, as on the radio button. */
  decision: string
  /** The reason's label, as in the list. */
  reason: string
  details?: string
}

export class IncidentPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  /** Fills in and submits the decision form; the result is either a redirect or the form again with errors. */
  async recordDecision(form: DecisionForm): Promise<void> {
    const decisionForm = this.page.getByTestId('decision-form')
    await decisionForm
      .getByRole('group', { name: 'Record a decision' })
      .getByLabel(form.decision, { exact: true })
      .check()
    await decisionForm.getByLabel('Reason', { exact: true }).selectOption({ label: form.reason })
    await decisionForm.getByLabel(/Details/).fill(form.details ?? '')
    await Promise.all([this.page.waitForEvent('load'), decisionForm.getByTestId('save-decision').click()])
  }

  /** The success banner's text, or null when there is none. */
  async banner(): Promise<string | null> {
    const banner = this.page.locator('.govuk-notification-banner--success')
    return (await banner.count()) ? (await banner.innerText()).trim() : null
  }

  /** The error summary's messages, in order; empty when there is no summary. */
  async errors(): Promise<string[]> {
    const summary = this.page.locator('.govuk-error-summary')
    if (!(await summary.count())) return []
    return (await summary.locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
  }

  /** The error message shown next to a field, found through its aria-describedby like a screen reader would. */
  async fieldError(label: string | RegExp): Promise<string | null> {
    const field = this.page.getByTestId('decision-form').getByLabel(label)
    const ids = (await field.getAttribute('aria-describedby'))?.split(/\s+/) ?? []
    for (const id of ids) {
      const el = this.page.locator(`[id="${id}"].govuk-error-message`)
      if (await el.count()) return (await el.innerText()).trim()
    }
    return null
  }

  /** The decision history, newest first, one line of text per decision. */
  async history(): Promise<string[]> {
    const list = this.page.getByTestId('history')
    if (!(await list.count())) return []
    return (await list.locator('li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())
  }

  /** The "Current decision" row of the triage summary. */
  async currentDecision(): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row', {
      has: this.page.locator('dt', { hasText: 'Current decision' }),
    })
    return (await row.locator('dd').innerText()).trim()
  }

  /** The values the form was sent back with, so a user does not retype them after an error. */
  async formValues(): Promise<{ decision: string | null; reason: string; details: string }> {
    const form = this.page.getByTestId('decision-form')
    const checked = form.locator('input[name="decision"]:checked')
    return {
      decision: (await checked.count()) ? await checked.inputValue() : null,
      reason: await form.getByLabel('Reason', { exact: true }).inputValue(),
      details: await form.getByLabel(/Details/).inputValue(),
    }
  }

  async goto(id: string): Promise<this> {
    await this.page.goto(`${this.baseUrl}/triage/incidents/${id}`)
    return this
  }

  /** The health panel's text, or null when the page has none (every role but health IDVAs). */
  async healthPanel(): Promise<string | null> {
    const panel = this.page.getByTestId('health-panel')
    return (await panel.count()) ? (await panel.innerText()).replace(/\s+/g, ' ').trim() : null
  }

  /** The people table's text, one line per person (a victim's ends with the link to their record). */
  async people(): Promise<string[]> {
    const rows = this.page.locator('table.govuk-table tbody tr')
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())
  }

  /** From the people table, opens a victim's record (`/victims/:id`). */
  async openVictimRecord(name: string): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/victims\/[^/]+$/),
      this.page.getByRole('link', { name: `Victim’s record of ${name}` }).click(),
    ])
  }

  /** Each victim's safe-contact details in one line, as the joint-team panel shows them. */
  async safeContacts(): Promise<string[]> {
    return (await this.page.getByTestId('safe-contact-line').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())
  }

  /** Follows the link to record or change a victim's safe-contact details (the only victim's, without a name). */
  async changeSafeContact(victimName?: string): Promise<void> {
    const name = new RegExp(`^(Change|Record) safe-contact details${victimName ? ` of ${victimName}` : ''}$`)
    await Promise.all([
      this.page.waitForURL(/\/victims\/[^/]+\/safe-contact$/),
      this.page.getByRole('link', { name }).click(),
    ])
  }

  /** Follows a person's "Reveal" link for a field and lands on the page asking why. */
  async startReveal(field: 'address' | 'phone', personName: string): Promise<void> {
    const link = this.page.getByRole('link', {
      name: `Reveal ${field === 'phone' ? 'phone number' : 'address'} of ${personName}`,
    })
    await Promise.all([this.page.waitForEvent('load'), link.click()])
  }

  /** On the reveal page: gives the reason and submits. */
  async giveReason(reason: string): Promise<void> {
    const form = this.page.getByTestId('reveal-form')
    await form.getByLabel('Reason', { exact: true }).fill(reason)
    await Promise.all([this.page.waitForEvent('load'), form.getByTestId('reveal').click()])
  }

  /** Any notification banner's text (success or information), or null. */
  async notice(): Promise<string | null> {
    const banner = this.page.locator('.govuk-notification-banner')
    return (await banner.count()) ? (await banner.first().innerText()).replace(/\s+/g, ' ').trim() : null
  }
}
