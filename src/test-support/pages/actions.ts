import type { Locator, Page } from 'playwright-core'

/** The error summary's messages, in order; empty when there is none. */
export async function errorSummary(page: Page): Promise<string[]> {
  const summary = page.locator('.govuk-error-summary')
  if (!(await summary.count())) return []
  return (await summary.locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
}

/** The success banner's text, or null when there is none. */
export async function successBanner(page: Page): Promise<string | null> {
  const banner = page.locator('.govuk-notification-banner--success')
  return (await banner.count()) ? (await banner.innerText()).replace(/\s+/g, ' ').trim() : null
}

export const squash = (text: string) => text.replace(/\s+/g, ' ').trim()

/** The victim's safe-contact details in one line, as pages that lead to contacting them show them; null when absent. */
export async function safeContactLine(page: Page): Promise<string | null> {
  const line = page.getByTestId('safe-contact-line')
  return (await line.count()) ? squash(await line.first().innerText()) : null
}

/** A GOV.UK summary list, key to value. */
export async function summaryList(list: Locator): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const row of await list.locator('.govuk-summary-list__row').all()) {
    out[squash(await row.locator('dt').innerText())] = squash(await row.locator('dd').innerText())
  }
  return out
}

/** Submits a form and waits for the page the server answers with (a redirect, or the form with errors). */
export async function submit(page: Page, button: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), button.click()])
}

export interface RaiseForm {
  /** The kind's label, as on its radio button: 'Police alarm', 'MARAC referral'. */
  kind: string
  referredTo?: string
  details?: string
  /** The owner's option text, or the start of it: 'Safeguarding: West division'. Left as suggested when absent. */
  owner?: string
  /** The assignee's option text, or the start of it. */
  assignee?: string
  /** 'YYYY-MM-DD'; left blank (the kind's usual due date) when absent. */
  dueOn?: string
}

/** `/victims/:id/actions/new`: raising an action or a referral for a victim. */
export class RaiseActionPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(victimId: string): Promise<this> {
    await this.page.goto(`${this.baseUrl}/victims/${victimId}/actions/new`)
    return this
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  /** The suggestion to refer to children's services, or null when the page makes none. */
  async suggestion(): Promise<string | null> {
    const warning = this.page.getByTestId('suggest-childrens-services')
    return (await warning.count()) ? squash(await warning.innerText()) : null
  }

  /** The owner the page suggests: the selected option's text. */
  async suggestedOwner(): Promise<string> {
    const select = this.page.getByTestId('raise-form').getByLabel('Who will do it')
    return squash(await select.locator('option:checked').innerText())
  }

  /** Fills in and submits the form; lands on the new action's page, or the form again with errors. */
  async raise(form: RaiseForm): Promise<void> {
    const f = this.page.getByTestId('raise-form')
    await f.getByRole('group', { name: 'What is needed' }).getByLabel(form.kind, { exact: true }).check()
    if (form.referredTo !== undefined) await f.getByLabel('Service referred to').fill(form.referredTo)
    if (form.details !== undefined) await f.getByLabel('Details (optional)').fill(form.details)
    if (form.owner !== undefined) await selectStartingWith(f.getByLabel('Who will do it'), form.owner)
    if (form.assignee !== undefined) await selectStartingWith(f.getByLabel('Assigned to (optional)'), form.assignee)
    if (form.dueOn !== undefined) {
      const [year, month, day] = form.dueOn.split('-')
      const due = f.getByRole('group', { name: 'Due date (optional)' })
      await due.getByLabel('Day').fill(String(Number(day)))
      await due.getByLabel('Month').fill(String(Number(month)))
      await due.getByLabel('Year').fill(year!)
    }
    await submit(this.page, f.getByTestId('raise'))
  }

  async errors(): Promise<string[]> {
    return errorSummary(this.page)
  }
}

/** Chooses the first option whose text starts with `text`. */
async function selectStartingWith(select: Locator, text: string): Promise<void> {
  const options = await select.locator('option').allInnerTexts()
  const label = options.map((o) => o.trim()).find((o) => o.startsWith(text))
  if (!label) throw new Error(`No option starting "${text}" in ${JSON.stringify(options)}`)
  await select.selectOption({ label })
}

export interface HistoryEntry {
  /** The status label: 'Requested', 'Done'. */
  status: string
  /** 'by DC Lee Demo', the date and any note, as one line. */
  text: string
}

/** `/actions/:id`: one action or referral, its status form and its history. */
export class ActionPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(id: string): Promise<this> {
    await this.page.goto(`${this.baseUrl}/actions/${id}`)
    return this
  }

  /** The action's id, from the address. */
  id(): string {
    return new URL(this.page.url()).pathname.split('/').pop()!
  }

  /** The kind's label. */
  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).innerText()).trim()
  }

  async status(): Promise<string> {
    return squash(await this.page.getByTestId('status').first().innerText())
  }

  async overdue(): Promise<boolean> {
    return (await this.page.getByTestId('overdue').count()) > 0
  }

  /** The summary's rows, key to value: 'Owner', 'Assigned to', 'Due', 'Referred to'... */
  async summary(): Promise<Record<string, string>> {
    return summaryList(this.page.getByTestId('action-summary'))
  }

  /** Whether the reader may change the status here. */
  async canUpdate(): Promise<boolean> {
    return (await this.page.getByTestId('status-form').count()) > 0
  }

  /** The statuses the form offers, by label. */
  async statusChoices(): Promise<string[]> {
    const group = this.page.getByTestId('status-form').getByRole('group', { name: 'Update the status' })
    return (await group.locator('.govuk-radios__label').allInnerTexts()).map((t) => t.trim())
  }

  /** Chooses a status by its label ('Accepted', 'Done', 'Declined'), with a reason and a note, and saves. */
  async changeStatus(status: string, extra: { reason?: string; note?: string } = {}): Promise<void> {
    const f = this.page.getByTestId('status-form')
    await f.getByRole('group', { name: 'Update the status' }).getByLabel(status, { exact: true }).check()
    if (extra.reason !== undefined) await f.getByLabel('If declined: why').fill(extra.reason)
    if (extra.note !== undefined) await f.getByLabel('Note (optional)').fill(extra.note)
    await submit(this.page, f.getByTestId('save-status'))
  }

  async assignToMe(): Promise<void> {
    await submit(this.page, this.page.getByTestId('assign-to-me'))
  }

  /** The history, newest first. */
  async history(): Promise<HistoryEntry[]> {
    const items = this.page.getByTestId('history').locator('.moj-timeline__item')
    const out: HistoryEntry[] = []
    for (const item of await items.all()) {
      out.push({
        status: squash(await item.locator('.moj-timeline__title').innerText()),
        text: squash(await item.innerText()),
      })
    }
    return out
  }

  /** The victim's safe-contact details, shown beside the action. */
  async safeContact(): Promise<string | null> {
    return safeContactLine(this.page)
  }

  /** Where the victim's name links to: their record. */
  async victimLink(): Promise<string | null> {
    return this.page.getByTestId('victim-link').getAttribute('href')
  }

  async banner(): Promise<string | null> {
    return successBanner(this.page)
  }

  async errors(): Promise<string[]> {
    return errorSummary(this.page)
  }
}

export interface ActionRow {
  id: string
  victim: string
  /** The kind's label. */
  kind: string
  due: string
  status: string
  overdue: boolean
  owner: string
}

/** `/actions`: the "my actions" lists and the hand-overs waiting. */
export class ActionsListPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto(list: 'mine' | 'team' | 'agency' | 'raised' = 'mine', closed = false): Promise<this> {
    await this.page.goto(`${this.baseUrl}/actions?list=${list}${closed ? '&closed=true' : ''}`)
    return this
  }

  /** Opens a tab: 'mine' (Assigned to me), 'team' (My team’s) or 'agency' (My agency’s). */
  async openTab(name: 'mine' | 'team' | 'agency' | 'raised'): Promise<void> {
    await submit(this.page, this.page.getByTestId(`tab-${name}`))
  }

  /** The tab labels with their counts, e.g. 'My team’s (2)'. */
  async tabs(): Promise<string[]> {
    return (await this.page.locator('.moj-sub-navigation__link').allInnerTexts()).map(squash)
  }

  async counts(): Promise<{ overdue: number; dueToday: number }> {
    return {
      overdue: Number(await this.page.getByTestId('overdue-count').innerText()),
      dueToday: Number(await this.page.getByTestId('due-today-count').innerText()),
    }
  }

  async rows(): Promise<ActionRow[]> {
    const out: ActionRow[] = []
    for (const row of await this.page.getByTestId('action-row').all()) {
      const cells = row.locator('td')
      out.push({
        id: (await row.getAttribute('data-id')) ?? '',
        victim: squash(await cells.nth(0).innerText()),
        kind: squash(
          await cells
            .nth(1)
            .locator('a')
            .evaluate((a) => a.childNodes[0]?.textContent ?? ''),
        ),
        due: squash(await cells.nth(2).innerText()),
        status: squash(await cells.nth(3).getByTestId('status').innerText()),
        overdue: (await cells.nth(3).getByTestId('overdue').count()) > 0,
        owner: squash(await cells.nth(4).innerText()),
      })
    }
    return out
  }

  /** Opens an action from the list by its kind's label and the victim's name. */
  async open(kind: string, victim: string): Promise<ActionPage> {
    await submit(this.page, this.page.getByRole('link', { name: `${kind} for ${victim}`, exact: true }))
    return new ActionPage(this.page, this.baseUrl)
  }

  /** The hand-overs waiting, one line of text each. */
  async handovers(): Promise<string[]> {
    return (await this.page.getByTestId('handover-row').allInnerTexts()).map(squash)
  }
}
