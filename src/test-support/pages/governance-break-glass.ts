import type { Page } from 'playwright-core'

export interface GrantRow {
  grantId: string
  reviewed: boolean
  text: string
}

/** Break-glass access for review (`/governance/break-glass`) and one grant's page. */
export class BreakGlassPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(status: 'all' | 'unreviewed' | 'reviewed' = 'all'): Promise<this> {
    await this.page.goto(`${this.baseUrl}/governance/break-glass${status === 'all' ? '' : `?status=${status}`}`)
    return this
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  async unreviewedCount(): Promise<number> {
    return Number((await this.page.getByTestId('unreviewed-count').locator('strong').innerText()).trim())
  }

  async rows(): Promise<GrantRow[]> {
    const out: GrantRow[] = []
    for (const row of await this.page.getByTestId('grant-row').all()) {
      out.push({
        grantId: (await row.getAttribute('data-grant-id')) ?? '',
        reviewed: (await row.getAttribute('data-reviewed')) === 'yes',
        text: await row.innerText(),
      })
    }
    return out
  }

  /** Opens the review page of a grant from the list. */
  async openReview(grantId: string): Promise<void> {
    const row = this.page.locator(`[data-testid="grant-row"][data-grant-id="${grantId}"]`)
    await Promise.all([
      this.page.waitForURL(new RegExp(`/governance/break-glass/${grantId}$`)),
      row.getByRole('link', { name: /^(Review|Details)/ }).click(),
    ])
  }

  /** On a grant's page: records the outcome ('Justified' or 'Not justified') and notes. */
  async review(outcome: 'Justified' | 'Not justified' | null, notes = ''): Promise<void> {
    const form = this.page.getByTestId('review-form')
    if (outcome) {
      await form.getByRole('group', { name: 'Was this access justified?' }).getByLabel(outcome, { exact: true }).check()
    }
    await form.getByLabel('Notes', { exact: true }).fill(notes)
    await Promise.all([this.page.waitForEvent('load'), form.getByTestId('save-review').click()])
  }

  async banner(): Promise<string | null> {
    const banner = this.page.locator('.govuk-notification-banner--success')
    return (await banner.count()) ? (await banner.innerText()).trim() : null
  }

  async errors(): Promise<string[]> {
    const summary = this.page.locator('.govuk-error-summary')
    if (!(await summary.count())) return []
    return (await summary.locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
  }

  /** The review's summary on a reviewed grant's page, as text; null before review. */
  async reviewSummary(): Promise<string | null> {
    const review = this.page.getByTestId('review')
    return (await review.count()) ? (await review.innerText()).trim() : null
  }
}
