import type { Locator, Page } from 'playwright-core'

export interface TimelineEntry {
  /** The kind's code, as in `TIMELINE_KINDS` (src/cases/timeline.ts). */
  kind: string
  title: string
  /** Who did it ('DS Sam Demo'), or null. */
  by: string | null
  /** The date as shown, UK time: '23 Nov 2026, 07:30'. */
  date: string
  /** The description's text, one line per paragraph. */
  lines: string[]
}

export interface OpenAction {
  text: string
  overdue: boolean
  href: string
}

export interface SafeContactForm {
  /** Labels of the ways that are safe, as on the checkboxes ('Text message'). */
  methods?: string[]
  onlyWhileSuspectInCustody?: boolean
  /** Up to seven weekly windows: a day as in the list ('Monday') and times like '10:00'. */
  windows?: { day: string; from: string; to: string }[]
  notes?: string
}

const text = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim()

/** A victim's record (`/victims/:id`): header, safe-contact details, open actions, the timeline and its links. */
export class CasePage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(victimId: string): Promise<this> {
    await this.page.goto(`${this.baseUrl}/victims/${victimId}`)
    return this
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  /** The header's rows by their key: 'Date of birth', 'Current risk', 'Repeat victim', 'Incidents you can open'. */
  async summary(): Promise<Record<string, string>> {
    const rows = this.page.getByTestId('case-summary').locator('.govuk-summary-list__row')
    const out: Record<string, string> = {}
    for (const row of await rows.all()) out[await text(row.locator('dt'))] = await text(row.locator('dd'))
    return out
  }

  /** The victim's safe-contact details in one line ('Text message only; Mon–Fri 10:00–12:00'). */
  async safeContact(): Promise<string> {
    return text(this.page.getByTestId('safe-contact-line').first())
  }

  /** The timeline as shown, newest first. */
  async timeline(): Promise<TimelineEntry[]> {
    const out: TimelineEntry[] = []
    for (const item of await this.page.getByTestId('timeline-item').all()) {
      const byline = item.locator('.moj-timeline__byline')
      out.push({
        kind: (await item.getAttribute('data-kind')) ?? '',
        title: await text(item.locator('.moj-timeline__title')),
        by: (await byline.count()) ? (await text(byline)).replace(/^by /, '') : null,
        date: await text(item.locator('.moj-timeline__date')),
        lines: (await item.locator('.moj-timeline__description p.govuk-body').allInnerTexts()).map((l) => l.trim()),
      })
    }
    return out
  }

  /** Shows only these kinds of event, by the start of their labels ('Visits', 'Actions and referrals'), without JavaScript's help. */
  async filter(kinds: string[]): Promise<void> {
    const form = this.page.getByTestId('timeline-filter')
    if (!(await form.isVisible())) await this.page.locator('.govuk-details__summary').click()
    for (const box of await form.getByRole('checkbox').all()) {
      const label = await text(this.page.locator(`label[for="${await box.getAttribute('id')}"]`))
      await box.setChecked(kinds.some((k) => label.startsWith(k)))
    }
    await Promise.all([this.page.waitForEvent('load'), form.getByRole('button', { name: 'Show these' }).click()])
  }

  async openActions(): Promise<OpenAction[]> {
    const out: OpenAction[] = []
    for (const item of await this.page.getByTestId('open-action').all())
      out.push({
        text: await text(item),
        overdue: (await item.locator('.govuk-tag', { hasText: 'Overdue' }).count()) > 0,
        href: (await item.getByRole('link').first().getAttribute('href')) ?? '',
      })
    return out
  }

  /** Follows an open action's link to its page. */
  async openAction(name: string | RegExp): Promise<void> {
    const link = this.page.getByTestId('open-actions').getByRole('link', { name })
    await Promise.all([this.page.waitForURL(/\/actions\/[^/]+$/), link.click()])
  }

  /** Follows one of the record's links: 'Raise an action', 'Hand over to the safeguarding team', 'Record a contact', 'Open the latest incident'. */
  async follow(
    name: 'Raise an action' | 'Hand over to the safeguarding team' | 'Record a contact' | 'Open the latest incident',
  ): Promise<void> {
    const link = this.page.getByTestId('case-links').getByRole('link', { name })
    await Promise.all([this.page.waitForEvent('load'), link.click()])
  }

  /** The links the reader is offered, by their text. */
  async links(): Promise<string[]> {
    return (await this.page.getByTestId('case-links').getByRole('link').allInnerTexts()).map((t) => t.trim())
  }

  /** From the record, opens the safe-contact form, fills it in and saves it; back on the record, or the form with errors. */
  async recordSafeContact(form: SafeContactForm): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/safe-contact$/),
      this.page
        .getByTestId('safe-contact')
        .getByRole('link', { name: /^(Change|Record) safe-contact details/ })
        .click(),
    ])
    for (const box of await this.page.locator('input[name="methods"]').all()) {
      const label = await text(this.page.locator(`label[for="${await box.getAttribute('id')}"]`))
      await box.setChecked((form.methods ?? []).includes(label))
    }
    await this.page.getByLabel('Only while the suspect is in custody').setChecked(!!form.onlyWhileSuspectInCustody)
    for (let i = 0; i < 7; i++) {
      const w = form.windows?.[i]
      await this.page.getByLabel(`Window ${i + 1}: day`).selectOption(w ? { label: w.day } : { value: '' })
      await this.page.locator(`#start${i}`).fill(w?.from ?? '')
      await this.page.locator(`#end${i}`).fill(w?.to ?? '')
    }
    await this.page.getByLabel('Anything else about making contact safely').fill(form.notes ?? '')
    await Promise.all([
      this.page.waitForEvent('load'),
      this.page.getByRole('button', { name: 'Save safe-contact details' }).click(),
    ])
  }

  /** The success banner's text, or null. */
  async banner(): Promise<string | null> {
    const banner = this.page.locator('.govuk-notification-banner--success')
    return (await banner.count()) ? text(banner) : null
  }

  /** The error summary's messages, in order; empty when there is none. */
  async errors(): Promise<string[]> {
    const summary = this.page.locator('.govuk-error-summary')
    if (!(await summary.count())) return []
    return (await summary.locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
  }
}
