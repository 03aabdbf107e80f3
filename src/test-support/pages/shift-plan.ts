import type { Page } from 'playwright-core'

export interface PlannedRow {
  reference: string
  pinned: boolean
  text: string
}

/** A team's shift plan: planned visits, what was left out and why, and what the last change did. */
export class ShiftPlanPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(shiftId: string): Promise<this> {
    await this.page.goto(`${this.baseUrl}/deployment/shifts/${shiftId}`)
    return this
  }

  /** From "Your shifts today", opens the team's shift. */
  async openFromMyShifts(team: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/deployment`)
    await Promise.all([
      this.page.waitForURL(/\/deployment\/shifts\//),
      this.page.getByRole('link', { name: team }).first().click(),
    ])
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  async makePlan(): Promise<void> {
    await this.submit(this.page.getByRole('button', { name: /^(Make the plan|Re-plan)$/ }))
  }

  async planned(): Promise<PlannedRow[]> {
    const rows = this.page.getByTestId('planned-visit')
    const out: PlannedRow[] = []
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i)
      out.push({
        reference: (await row.getAttribute('data-reference')) ?? '',
        pinned: (await row.getByTestId('pinned').count()) > 0,
        text: await row.innerText(),
      })
    }
    return out
  }

  async leftOut(): Promise<{ reference: string; text: string }[]> {
    const rows = this.page.getByTestId('left-out-visit')
    const out = []
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i)
      out.push({ reference: (await row.getAttribute('data-reference')) ?? '', text: await row.innerText() })
    }
    return out
  }

  async completed(): Promise<{ reference: string; text: string }[]> {
    const rows = this.page.getByTestId('completed-visit')
    const out = []
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i)
      out.push({ reference: (await row.getAttribute('data-reference')) ?? '', text: await row.innerText() })
    }
    return out
  }

  /** The "What changed" summary of the latest plan. */
  async whatChanged(): Promise<string> {
    return this.page.getByTestId('what-changed').innerText()
  }

  async pinLeftOut(reference: string): Promise<void> {
    await this.submit(this.page.getByRole('button', { name: `Pin ${reference}` }))
  }

  /** Opens the outcome form of a planned visit, chooses the outcome and records it. */
  async recordOutcome(reference: string, outcome: string, notes?: string): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/outcome$/),
      this.page.getByRole('link', { name: `Outcome of ${reference}` }).click(),
    ])
    await this.page.getByLabel(outcome, { exact: true }).check()
    if (notes) await this.page.getByLabel('Notes for the next team').fill(notes)
    await Promise.all([
      this.page.waitForURL(/\/deployment\/shifts\/[^/]+\?saved=outcome/),
      this.page.getByRole('button', { name: 'Record the outcome' }).click(),
    ])
  }

  private async submit(button: ReturnType<Page['getByRole']>): Promise<void> {
    await Promise.all([this.page.waitForURL(/\?saved=/), button.click()])
  }
}
