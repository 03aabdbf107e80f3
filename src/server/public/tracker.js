// The engagement tracker form's autosave. The form works without it (its buttons submit or save a
// draft); with it, what has been entered is saved as a draft through the API a moment after each
// change, and kept on this device while the server has not got it, so a lost connection loses
// nothing. The device copy is offered back (never restored unasked), only to the user who made it,
// and dropped once the server holds the answers; signing out drops every copy (sign-out.js): victims'
// details do not stay on a shared tablet longer than they must.
import { TRACKER_COPIES as PREFIX } from './sign-out.js'

// Which device copy the last submission from this tab carried, for the page the server sends back.
const SENT = `${PREFIX}sent`
const SAVE_AFTER_MS = 1500
const RETRY_AFTER_MS = 30_000
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' })

// Storage can be full or switched off: the form then still saves to the server.
function store(area) {
  return {
    get(key) {
      try {
        return window[area].getItem(key)
      } catch {
        return null
      }
    },
    set(key, value) {
      try {
        window[area].setItem(key, value)
        return true
      } catch {
        return false
      }
    },
    remove(key) {
      try {
        window[area].removeItem(key)
      } catch {
        // Nothing was kept.
      }
    },
  }
}
const device = store('localStorage')
const tab = store('sessionStorage')

// After a submission: the server has accepted the answers, or kept them as the draft, when the
// page it sent back says so. Any other page (the form again after a failed request) keeps them.
function afterSubmission() {
  const sent = tab.get(SENT)
  tab.remove(SENT)
  if (sent && document.querySelector('[data-tracker-received]')) device.remove(sent)
}

function trackForm(form) {
  const { incidentId, visitId, consultationId, user } = form.dataset
  // What a new contact came from, sent with its first save: a draft keeps what it was made with.
  const links = Object.fromEntries(Object.entries({ visitId, consultationId }).filter(([, id]) => id))
  // A new contact's copy belongs to the page as opened (its victim, visit and consultation).
  const opened = [form.dataset.personId, visitId, consultationId].join('.')
  const names = form.dataset.fields.split(',')
  const status = form.querySelector('[data-tracker-status]')
  const restore = document.querySelector('[data-tracker-restore]')
  let draftId = form.dataset.draftId || null
  let dirty = false
  let timer = null
  let saving = null
  let submitting = false
  let released = false

  // Copies are the user's own: another user of this device is never offered them.
  const key = () => `${PREFIX}${user}.${incidentId}.${draftId ?? `new.${opened}`}`
  // Whom the contact is with: named by the page, or chosen on it when the incident has several victims.
  const victim = () => form.elements.namedItem('personId')?.value || null
  const say = (text) => {
    status.textContent = text
  }

  // The answers as entered, in the shape the server keeps a draft in (see src/engagement/form.ts).
  function entered() {
    const values = {}
    for (const name of names) {
      const parts = form.querySelectorAll(`[data-part-of="${name}"]`)
      if (parts.length) {
        values[name] = Array.from(parts, (p) => p.value.trim())
        continue
      }
      const inputs = Array.from(form.querySelectorAll(`[name="${name}"]`))
      if (!inputs.length) continue
      if (inputs[0].type === 'checkbox') values[name] = inputs.filter((i) => i.checked).map((i) => i.value)
      else if (inputs[0].type === 'radio') values[name] = inputs.find((i) => i.checked)?.value ?? null
      else values[name] = inputs[0].value.trim()
    }
    return values
  }

  function fill(values) {
    for (const name of names) {
      if (!(name in values)) continue
      const value = values[name]
      const parts = form.querySelectorAll(`[data-part-of="${name}"]`)
      if (parts.length) {
        parts.forEach((p, i) => (p.value = Array.isArray(value) ? (value[i] ?? '') : ''))
        continue
      }
      for (const input of form.querySelectorAll(`[name="${name}"]`)) {
        if (input.type === 'checkbox') input.checked = Array.isArray(value) && value.includes(input.value)
        else if (input.type === 'radio') input.checked = input.value === value
        else input.value = value ?? ''
      }
    }
  }

  const current = () => ({ values: entered(), personId: victim() })
  const keep = () => device.set(key(), JSON.stringify({ ...current(), keptAt: Date.now() }))

  // The draft the server made of the first save: later saves and the submission go to it, and a
  // reload opens it.
  function adopt(id) {
    device.remove(key())
    draftId = id
    form.elements.namedItem('draftId').value = id
    if (dirty) keep()
    window.history.replaceState(null, '', `/incidents/${incidentId}/tracker/drafts/${id}`)
  }

  function send({ values, personId }) {
    return window.fetch(`/api/v1/incidents/${incidentId}/tracker/drafts${draftId ? `/${draftId}` : ''}`, {
      method: draftId ? 'PUT' : 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': form.dataset.csrf },
      body: JSON.stringify({ values, ...(draftId ? {} : links), ...(personId ? { personId } : {}) }),
    })
  }

  async function refused(response) {
    const kept = device.get(key()) !== null
    // A new sign-in has a new form token, which only a reload of the page gives it.
    if (response.status === 401 || response.status === 403)
      return `Not saved: reload this page, and sign in again if asked. ${
        kept
          ? 'The answers kept on this device are then offered back.'
          : 'Note your answers first: this device could not keep them.'
      }`
    if (response.status === 409) return 'Not saved: this contact has already been submitted.'
    const body = await response.json().catch(() => null)
    const issue = body?.issues?.[0]?.message
    const here = kept ? ' Your answers are kept on this device.' : ''
    return issue ? `Not saved: ${issue}.${here}` : `Not saved: the service had a problem.${here}`
  }

  // Saves until what is on the form is on the server; one request at a time, none once submitting.
  async function saveAll() {
    while (dirty && !submitting) {
      dirty = false
      let response
      try {
        response = await send(current())
      } catch {
        dirty = true
        say(
          keep()
            ? 'Not saved: no connection. Your answers are kept on this device and will be saved when the connection returns'
            : 'Not saved: no connection. Keep this page open: your answers will be saved when the connection returns',
        )
        timer = window.setTimeout(save, RETRY_AFTER_MS)
        return
      }
      if (!response.ok) {
        say(await refused(response))
        return
      }
      if (!draftId) adopt((await response.json()).id)
      if (!dirty) device.remove(key())
      say(`Draft saved at ${clock.format(new Date())}`)
    }
  }

  function save() {
    window.clearTimeout(timer)
    timer = null
    saving ??= saveAll().finally(() => (saving = null))
    return saving
  }

  function changed() {
    if (submitting) return
    dirty = true
    keep()
    window.clearTimeout(timer)
    timer = window.setTimeout(save, SAVE_AFTER_MS)
  }

  // A device copy exists only while the server lacks it: offer it back unless the form already shows it.
  const kept = JSON.parse(device.get(key()) ?? 'null')
  if (kept && JSON.stringify({ values: kept.values, personId: kept.personId }) !== JSON.stringify(current())) {
    restore.querySelector('[data-tracker-restore-text]').textContent =
      `This device kept answers from ${clock.format(new Date(kept.keptAt))} that were not saved.`
    restore.hidden = false
    restore.querySelector('[data-tracker-restore-button]').addEventListener('click', () => {
      fill(kept.values)
      const chosen =
        kept.personId && form.querySelector(`input[type="radio"][name="personId"][value="${kept.personId}"]`)
      if (chosen) chosen.checked = true
      restore.hidden = true
      form.querySelector('input:not([type="hidden"])')?.focus()
      say('Answers restored from this device')
      changed()
    })
  }

  form.addEventListener('input', changed)
  form.addEventListener('change', changed)
  window.addEventListener('online', () => dirty && save())
  // Back from a submission that never reached the server: the form is live again.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) submitting = released = false
  })

  // The submission carries the draft's id, so a save still on its way must land first; no save
  // starts after it.
  form.addEventListener('submit', (event) => {
    if (released) return
    window.clearTimeout(timer)
    submitting = true
    const submitter = event.submitter
    const go = () => {
      keep()
      tab.set(SENT, key())
    }
    if (!saving) return go()
    event.preventDefault()
    saving.finally(() => {
      released = true
      go()
      form.requestSubmit(submitter)
    })
  })
}

afterSubmission()
const form = document.querySelector('form[data-tracker]')
if (form) trackForm(form)
