import type { Locator, Page } from 'playwright-core'

/** A contact's answers by their labels on the form; anything left out keeps the form's default. */
export interface ContactAnswers {
  mode?: string
  place?: string
  support?: string[]
  supportNotes?: string
  engagedInvestigation?: string
  engagedInvestigationReason?: string
  engagedSafeguarding?: string
  engagedSafeguardingReason?: string
  /** For repeat victims only. */
  previousInvestigation?: string
  previousSafeguarding?: string
  childrenCount?: string
  consentToShare?: string
  shareWith?: string[]
}

/** A typical complete contact after a post-incident visit. */
export const A_TYPICAL_CONTACT: ContactAnswers = {
  support: ['Safety planning', 'Information and signposting'],
  engagedInvestigation: 'Yes',
  engagedSafeguarding: 'Yes',
  consentToShare: 'Yes',
  shareWith: ['Police', 'Third-sector support (for example Women’s Aid)'],
}

/** The IDVA's engagement tracker form, its autosave status, and the page after a submission. */
export class TrackerPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  get form(): Locator {
    return this.page.getByTestId('tracker-form')
  }

  /** The form for a contact after a visit, as the shift plan's "Complete the tracker" link opens it. */
  async openFromVisit(incidentId: string, visitId: string): Promise<this> {
    return this.open(incidentId, { visit: visitId })
  }

  /** The form for a new contact on the incident, with the victim, visit or consultation a link names. */
  async open(incidentId: string, from: { victim?: string; visit?: string; consultation?: string } = {}): Promise<this> {
    const query = new URLSearchParams(Object.entries(from).filter(([, id]) => id) as [string, string][])
    await this.page.goto(`${this.baseUrl}/incidents/${incidentId}/tracker/new${query.size ? `?${query}` : ''}`)
    return this
  }

  /** On an incident with several victims: whom the contact was with, by name. */
  async chooseVictim(name: string): Promise<void> {
    await this.choose('Who was the contact with?', name)
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  private group(legend: string | RegExp): Locator {
    return this.form.getByRole('group', { name: legend })
  }

  /** Chooses a radio button by its question (legend) and answer. */
  async choose(question: string | RegExp, answer: string): Promise<void> {
    await this.group(question).getByLabel(answer, { exact: true }).check()
  }

  /** The chosen answer of a question, by its label; null when none is chosen. */
  async chosen(question: string | RegExp): Promise<string | null> {
    const checked = this.group(question).locator('input:checked')
    if (!(await checked.count())) return null
    const id = await checked.first().getAttribute('id')
    return (await this.form.locator(`label[for="${id}"]`).innerText()).trim()
  }

  /** Ticks exactly these boxes of a question. */
  async tick(question: string | RegExp, answers: string[]): Promise<void> {
    const boxes = this.group(question).getByRole('checkbox')
    for (let i = 0; i < (await boxes.count()); i++) {
      const box = boxes.nth(i)
      const label = (await this.form.locator(`label[for="${await box.getAttribute('id')}"]`).innerText()).trim()
      await box.setChecked(answers.includes(label))
    }
  }

  /** The labels of the ticked boxes of a question. */
  async ticked(question: string | RegExp): Promise<string[]> {
    const boxes = this.group(question).locator('input:checked')
    const out = []
    for (let i = 0; i < (await boxes.count()); i++) {
      const id = await boxes.nth(i).getAttribute('id')
      out.push((await this.form.locator(`label[for="${id}"]`).innerText()).trim())
    }
    return out
  }

  async fillText(label: string | RegExp, text: string): Promise<void> {
    await this.form.getByLabel(label).fill(text)
  }

  async text(label: string | RegExp): Promise<string> {
    return this.form.getByLabel(label).inputValue()
  }

  /** The contact's date and time as shown: 'day/month/year HH:MM'. */
  async contactTime(): Promise<string> {
    const group = this.group('Date and time of the contact')
    const [d, m, y, t] = await Promise.all(
      ['Day', 'Month', 'Year', 'Time'].map((l) => group.getByLabel(l, { exact: true }).inputValue()),
    )
    return `${d}/${m}/${y} ${t}`
  }

  /** Fills in the answers given, question by question, as an IDVA would. */
  async fill(a: ContactAnswers): Promise<void> {
    if (a.mode) await this.choose('Mode of contact', a.mode)
    if (a.place) await this.choose('Where', a.place)
    if (a.support) await this.tick('Support offered', a.support)
    if (a.supportNotes !== undefined) await this.fillText('Notes on the support offered', a.supportNotes)
    if (a.engagedInvestigation) await this.choose('Engaged with the criminal investigation', a.engagedInvestigation)
    if (a.engagedInvestigationReason !== undefined)
      await this.fillText('If not asked about the investigation: why not', a.engagedInvestigationReason)
    if (a.engagedSafeguarding) await this.choose('Engaged with safeguarding advice', a.engagedSafeguarding)
    if (a.engagedSafeguardingReason !== undefined)
      await this.fillText('If not asked about safeguarding advice: why not', a.engagedSafeguardingReason)
    if (a.previousInvestigation) await this.choose(/previous engagement with investigations/, a.previousInvestigation)
    if (a.previousSafeguarding) await this.choose(/previous engagement with safeguarding/, a.previousSafeguarding)
    if (a.childrenCount !== undefined) await this.fillText('Children in the household', a.childrenCount)
    if (a.consentToShare) await this.choose('Consent to share information', a.consentToShare)
    if (a.shareWith) await this.tick('If yes: who with', a.shareWith)
  }

  /** Fills in a typical complete contact (answering the repeat-victim questions when the form asks them). */
  async fillTypicalContact(): Promise<void> {
    await this.fill(A_TYPICAL_CONTACT)
    if (await this.group(/previous engagement with investigations/).count())
      await this.fill({ previousInvestigation: 'No', previousSafeguarding: 'Not known' })
  }

  /** Submits the contact; lands on the confirmation, or on the form again with its errors. */
  async submit(): Promise<void> {
    await Promise.all([this.page.waitForEvent('load'), this.form.getByTestId('submit-contact').click()])
  }

  /** "Save and finish later": lands on the list of the IDVA's drafts. */
  async saveForLater(): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/tracker\/drafts\?saved=draft/),
      this.form.getByTestId('save-draft').click(),
    ])
  }

  /** The autosave's status line. */
  async status(): Promise<string> {
    return (await this.page.getByTestId('tracker-status').innerText()).trim()
  }

  /** Waits until the autosave's status line matches. */
  async waitForStatus(pattern: RegExp): Promise<void> {
    await this.page.getByTestId('tracker-status').filter({ hasText: pattern }).waitFor()
  }

  /** The error summary's messages, in order; empty when there is none. */
  async errors(): Promise<string[]> {
    const summary = this.page.locator('.govuk-error-summary')
    if (!(await summary.count())) return []
    return (await summary.locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
  }

  /** The offer to restore answers kept on this device, when the page shows one. */
  restoreOffer(): Locator {
    return this.page.getByRole('button', { name: 'Restore the answers kept on this device' })
  }

  async restoreFromDevice(): Promise<void> {
    await this.restoreOffer().click()
  }

  /** The safe-contact details the form shows for the victim, or null when it shows none. */
  async safeContact(): Promise<string | null> {
    const line = this.page.getByTestId('safe-contact-line')
    return (await line.count()) ? (await line.innerText()).trim() : null
  }

  /** The tracker copies this device holds, by storage key. */
  async deviceCopies(): Promise<Record<string, unknown>> {
    return this.page.evaluate(() => {
      const out: Record<string, unknown> = {}
      for (let i = 0; i < window.localStorage.length; i++) {
        const key = window.localStorage.key(i)!
        if (key.startsWith('provide.tracker.')) out[key] = JSON.parse(window.localStorage.getItem(key)!)
      }
      return out
    })
  }

  /** The confirmation panel's title after a submission, or null when the page has none. */
  async confirmation(): Promise<string | null> {
    const panel = this.page.getByTestId('contact-recorded')
    return (await panel.count()) ? (await panel.locator('.govuk-panel__title').innerText()).trim() : null
  }

  /** The recorded contact's answers, as the confirmation page lists them. */
  async recorded(): Promise<Record<string, string>> {
    const rows = this.page.getByTestId('contact').locator('.govuk-summary-list__row')
    const out: Record<string, string> = {}
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i)
      out[(await row.locator('dt').innerText()).trim()] = (await row.locator('dd').innerText()).trim()
    }
    return out
  }
}
