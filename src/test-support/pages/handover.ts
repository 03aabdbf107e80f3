import type { Page } from 'playwright-core'
import { errorSummary, safeContactLine, squash, submit, successBanner, summaryList } from './actions.ts'

/** `/victims/:id/handover`: the joint team hands a victim over to a safeguarding team. */
export class HandOverPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(victimId: string): Promise<this> {
    await this.page.goto(`${this.baseUrl}/victims/${victimId}/handover`)
    return this
  }

  /** The teams offered, by name. */
  async teams(): Promise<string[]> {
    const group = this.page.getByRole('group', { name: 'Safeguarding team' })
    return (await group.locator('.govuk-radios__label').allInnerTexts()).map(squash)
  }

  /** The victim's open actions shown beside the form, one line each. */
  async openActions(): Promise<string[]> {
    const list = this.page.getByTestId('open-actions')
    return (await list.count()) ? (await list.locator('li').allInnerTexts()).map(squash) : []
  }

  /** The victim's safe-contact details, shown above the form. */
  async safeContact(): Promise<string | null> {
    return safeContactLine(this.page)
  }

  /** The latest tracker contact's summary, or null when there is none. */
  async latestContact(): Promise<string | null> {
    const contact = this.page.getByTestId('latest-contact')
    return (await contact.count()) ? squash(await contact.innerText()) : null
  }

  /** Chooses the team (the suggested one when absent), writes the summary and hands over. */
  async handOver(summary: string, team?: string): Promise<void> {
    const form = this.page.getByTestId('handover-form')
    if (team) await form.getByRole('group', { name: 'Safeguarding team' }).getByLabel(team, { exact: true }).check()
    await form.getByLabel('Summary for the safeguarding team').fill(summary)
    await submit(this.page, form.getByTestId('hand-over'))
  }

  async errors(): Promise<string[]> {
    return errorSummary(this.page)
  }
}

/** `/handovers/:id`: a hand-over, accepted by the receiving team. */
export class HandoverViewPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(id: string): Promise<this> {
    await this.page.goto(`${this.baseUrl}/handovers/${id}`)
    return this
  }

  /** 'Waiting' or 'Accepted'. */
  async state(): Promise<string> {
    return squash(await this.page.getByTestId('handover-state').innerText())
  }

  async summary(): Promise<Record<string, string>> {
    return summaryList(this.page.getByTestId('handover-summary'))
  }

  /** The victim's safe-contact details, for the receiving team's first contact. */
  async safeContact(): Promise<string | null> {
    return safeContactLine(this.page)
  }

  async canAccept(): Promise<boolean> {
    return (await this.page.getByTestId('accept-form').count()) > 0
  }

  async accept(note?: string): Promise<void> {
    const form = this.page.getByTestId('accept-form')
    if (note !== undefined) await form.getByLabel('Note (optional)').fill(note)
    await submit(this.page, form.getByTestId('accept'))
  }

  async banner(): Promise<string | null> {
    return successBanner(this.page)
  }
}
