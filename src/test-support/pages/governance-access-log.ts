import type { Page } from 'playwright-core'

export interface AccessLogEntry {
  /** When, as shown (UK time). */
  when: string
  /** Who: name, username, agency and roles, as one text. */
  who: string
  username: string
  /** The audit action id, such as `consult`. */
  action: string
  actionText: string
  recordType: string
  record: string
  fields: string
  justification: string
}

/** The information-governance access log: `/governance/access-log`, for a record, a person or filters. */
export class AccessLogPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(query: Record<string, string> = {}): Promise<this> {
    const params = new URLSearchParams(query).toString()
    await this.page.goto(`${this.baseUrl}/governance/access-log${params ? `?${params}` : ''}`)
    return this
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  /** Fills in the filters (by their labels) and shows the log. */
  async filter(by: {
    incident?: string
    person?: string
    username?: string
    agency?: string
    action?: string
    from?: string
    to?: string
  }): Promise<void> {
    const form = this.page.getByTestId('filters')
    const fill = async (label: string, value: string | undefined) => {
      if (value !== undefined) await form.getByLabel(label, { exact: true }).fill(value)
    }
    await fill('Incident', by.incident)
    await fill('Person ID', by.person)
    await fill('Username', by.username)
    if (by.agency) await form.getByLabel('Agency', { exact: true }).selectOption({ label: by.agency })
    if (by.action) await form.getByLabel('Action', { exact: true }).selectOption({ label: by.action })
    await fill('From', by.from)
    await fill('To', by.to)
    await Promise.all([this.page.waitForEvent('load'), form.getByTestId('apply-filters').click()])
  }

  async total(): Promise<string> {
    return (await this.page.getByTestId('log-total').innerText()).trim()
  }

  /** The entries shown, newest first. */
  async entries(): Promise<AccessLogEntry[]> {
    const out: AccessLogEntry[] = []
    for (const row of await this.page.getByTestId('log-row').all()) {
      const cells = await row.locator('td').allInnerTexts()
      out.push({
        when: cells[0]!.trim(),
        who: cells[1]!.trim(),
        username: (await row.getAttribute('data-username')) ?? '',
        action: (await row.getAttribute('data-action')) ?? '',
        actionText: cells[2]!.trim(),
        recordType: (await row.getAttribute('data-record-type')) ?? '',
        record: cells[3]!.trim(),
        fields: cells[4]!.trim(),
        justification: (await row.getByTestId('justification').innerText()).trim(),
      })
    }
    return out
  }

  /** Follows a link to another log, such as a person's from an incident's. */
  async follow(linkText: string | RegExp): Promise<AccessLogPage> {
    await Promise.all([
      this.page.waitForURL(/\/governance\/access-log\?/),
      this.page.getByRole('link', { name: linkText }).first().click(),
    ])
    return this
  }

  /** Where the export link points, with the same filters. */
  async exportHref(): Promise<string> {
    return (await this.page.getByTestId('export').getAttribute('href')) ?? ''
  }

  /** The error summary's messages, in order; empty when there is none. */
  async errors(): Promise<string[]> {
    const summary = this.page.locator('.govuk-error-summary')
    if (!(await summary.count())) return []
    return (await summary.locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
  }
}

/** Find a person (`/governance/people`), to read who looked at their records. */
export class PersonSearchPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(): Promise<this> {
    await this.page.goto(`${this.baseUrl}/governance/people`)
    return this
  }

  async search(by: {
    lastName: string
    firstName?: string
    dateOfBirth?: { day: string; month: string; year: string }
  }) {
    const form = this.page.getByTestId('person-search')
    await form.getByLabel('Last name', { exact: true }).fill(by.lastName)
    await form.getByLabel('First name (optional)', { exact: true }).fill(by.firstName ?? '')
    const dob = form.getByRole('group', { name: 'Date of birth (optional)' })
    await dob.getByLabel('Day').fill(by.dateOfBirth?.day ?? '')
    await dob.getByLabel('Month').fill(by.dateOfBirth?.month ?? '')
    await dob.getByLabel('Year').fill(by.dateOfBirth?.year ?? '')
    await Promise.all([this.page.waitForEvent('load'), form.getByTestId('search').click()])
  }

  /** Each person found: their name and the incidents they are on, as text. */
  async people(): Promise<{ name: string; text: string }[]> {
    const out = []
    for (const row of await this.page.getByTestId('person-row').all()) {
      out.push({ name: (await row.locator('th').innerText()).trim(), text: await row.innerText() })
    }
    return out
  }

  /** Opens the access log of the person with this name. */
  async openLog(name: string): Promise<AccessLogPage> {
    const row = this.page.getByTestId('person-row').filter({ has: this.page.locator('th', { hasText: name }) })
    await Promise.all([
      this.page.waitForURL(/\/governance\/access-log\?person=/),
      row.getByTestId('person-log').click(),
    ])
    return new AccessLogPage(this.page, this.baseUrl)
  }
}
