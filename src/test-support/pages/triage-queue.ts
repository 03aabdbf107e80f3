import type { Page } from 'playwright-core'
import { IncidentPage } from './incident.ts'

export interface QueueRow {
  reference: string
  risk: string
  status: string
  text: string
}

export class TriageQueuePage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(): Promise<this> {
    await this.page.goto(`${this.baseUrl}/triage`)
    return this
  }

  /** Ticks the given areas and risk levels (by their labels) and applies the filters. */
  async filter(by: { areas?: string[]; risks?: string[] }): Promise<void> {
    const filters = this.page.getByTestId('filters')
    for (const area of by.areas ?? [])
      await filters.getByRole('group', { name: 'Area' }).getByLabel(area, { exact: true }).check()
    for (const risk of by.risks ?? []) {
      await filters.getByRole('group', { name: 'Risk level' }).getByLabel(risk, { exact: true }).check()
    }
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === '/triage' && url.search !== ''),
      this.page.getByTestId('apply-filters').click(),
    ])
  }

  async total(): Promise<number> {
    return Number(await this.page.getByTestId('total').innerText())
  }

  async rows(): Promise<QueueRow[]> {
    const rows = this.page.getByTestId('queue-row')
    const out: QueueRow[] = []
    for (const row of await rows.all()) {
      out.push({
        reference: (await row.getAttribute('data-reference')) ?? '',
        risk: (await row.locator('.govuk-tag').innerText()).trim(),
        status: (await row.getByTestId('status').innerText()).trim(),
        text: await row.innerText(),
      })
    }
    return out
  }

  async openIncident(reference: string): Promise<IncidentPage> {
    await Promise.all([
      this.page.waitForURL(/\/triage\/incidents\/[^/?]+$/),
      this.page.getByRole('link', { name: reference, exact: true }).click(),
    ])
    return new IncidentPage(this.page, this.baseUrl)
  }
}
