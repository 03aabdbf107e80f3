import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyRequest } from 'fastify'
import { ConflictError, ValidationError } from '../common/errors.ts'
import {
  attempt,
  dateField,
  dateFields,
  field,
  fields,
  form,
  formDate,
  formDateTime,
  formText,
  savedMessage,
} from './forms.ts'

describe('form', () => {
  const schema = form({ name: field, roles: fields, ...dateField('startsOn') })

  it('takes the listed fields and the CSRF token, a repeated field as an array', () => {
    assert.deepEqual(schema.parse({ _csrf: 't', name: 'Ann', roles: 'a', 'startsOn-day': '1' }), {
      _csrf: 't',
      name: 'Ann',
      roles: ['a'],
      'startsOn-day': '1',
    })
    assert.deepEqual(schema.parse({ roles: ['a', 'b'] }).roles, ['a', 'b'])
  })

  it('refuses a field it does not list', () => {
    assert.equal(schema.safeParse({ name: 'Ann', admin: 'yes' }).success, false)
    assert.equal(schema.safeParse({ 'endsOn-day': '1' }).success, false)
  })
})

describe('formText', () => {
  it('trims, takes the first of repeated values and reads a missing field as blank', () => {
    assert.equal(formText({ a: '  x ' }, 'a'), 'x')
    assert.equal(formText({ a: ['y', 'z'] }, 'a'), 'y')
    assert.equal(formText({}, 'a'), '')
  })
})

describe('date inputs', () => {
  const body = (d: string, m: string, y: string) => ({ 'on-day': d, 'on-month': m, 'on-year': y })
  const cases: [string, Record<string, string>, boolean, string | null, string | null][] = [
    ['a date', body('1', '7', '2026'), true, '2026-07-01', null],
    ['padded numbers and spaces', body(' 01 ', '07', '2026'), true, '2026-07-01', null],
    ['blank, required', body('', '', ''), true, null, 'Enter the start date, like 23 11 2026'],
    ['blank, optional', {}, false, null, null],
    ['words', body('first', '7', '2026'), true, null, 'Enter the start date as numbers, like 23 11 2026'],
    ['a two-digit year', body('1', '7', '26'), true, null, 'Enter the start date as numbers, like 23 11 2026'],
    ['part of a date, optional', body('1', '', ''), false, null, 'Enter the start date as numbers, like 23 11 2026'],
    ['31 February', body('31', '2', '2026'), true, null, 'The start date must be a real date'],
  ]
  for (const [name, fields, required, value, message] of cases) {
    it(`reads ${name}`, () => {
      const read = formDate(fields, 'on', 'the start date', required)
      assert.equal(read.value, value)
      assert.deepEqual(read.issue, message === null ? null : { path: 'on', message })
    })
  }

  it('fills an input with a date, and round-trips', () => {
    assert.deepEqual(dateFields('on', '2026-07-01'), { 'on-day': '1', 'on-month': '7', 'on-year': '2026' })
    assert.deepEqual(dateFields('on', null), {})
    assert.equal(formDate(dateFields('on', '2026-11-23'), 'on', 'the date', true).value, '2026-11-23')
  })
})

describe('date and time inputs', () => {
  const body = (d: string, m: string, y: string, time: string) => ({
    'at-day': d,
    'at-month': m,
    'at-year': y,
    atTime: time,
  })
  const timeMessage = 'Enter the time of the contact in 24-hour time, like 14:30'
  const cases: [string, Record<string, string>, string | null, string | null][] = [
    ['winter, UK time is UTC', body('23', '11', '2026', '14:30'), '2026-11-23T14:30:00.000Z', null],
    ['summer, UK time is an hour ahead', body('1', '6', '2026', '14:05'), '2026-06-01T13:05:00.000Z', null],
    ['a time with a dot', body('23', '11', '2026', '9.05'), '2026-11-23T09:05:00.000Z', null],
    ['a time without a separator', body('23', '11', '2026', '0730'), '2026-11-23T07:30:00.000Z', null],
    ['midnight', body('23', '11', '2026', '00:00'), '2026-11-23T00:00:00.000Z', null],
    [
      'a time in the spring gap, as the first moment after it',
      body('29', '3', '2026', '01:30'),
      '2026-03-29T01:00:00.000Z',
      null,
    ],
    ['nothing', {}, null, null],
    ['all blank', body('', '', '', ''), null, null],
    ['a time without a date', body('', '', '', '14:30'), null, 'Enter the date of the contact, like 23 11 2026'],
    ['a date without a time', body('23', '11', '2026', ''), null, timeMessage],
    ['a 12-hour time', body('23', '11', '2026', '7.15pm'), null, timeMessage],
    ['24:00', body('23', '11', '2026', '24:00'), null, timeMessage],
    ['minute 60', body('23', '11', '2026', '10:60'), null, timeMessage],
    ['part of a date', body('23', '', '', '10:00'), null, 'Enter the date of the contact as numbers, like 23 11 2026'],
    ['31 February', body('31', '2', '2026', '10:00'), null, 'The date of the contact must be a real date'],
  ]
  for (const [name, fields, value, message] of cases) {
    it(`reads ${name}`, () => {
      const read = formDateTime(fields, 'at', 'atTime', 'the contact')
      assert.equal(read.value?.toISOString() ?? null, value)
      assert.deepEqual(read.issue, message === null ? null : { path: 'at', message })
    })
  }
})

describe('attempt', () => {
  it('gives the value of a change that works', async () => {
    assert.deepEqual(await attempt(async () => 42), { ok: true, value: 42 })
  })

  it('puts validation issues at the form’s fields', async () => {
    const refused = async () => {
      throw new ValidationError([
        { path: 'members.0.userId', message: 'Choose people from the list' },
        { path: '', message: 'Send something to change' },
        { path: 'name', message: 'Enter a name' },
      ])
    }
    assert.deepEqual(await attempt(refused), {
      ok: false,
      issues: [
        { path: 'members', message: 'Choose people from the list' },
        { path: 'form', message: 'Send something to change' },
        { path: 'name', message: 'Enter a name' },
      ],
    })
  })

  it('turns the errors the form asks for into issues, and throws the rest', async () => {
    const taken = { path: 'code', message: 'That code is taken' }
    const issuesOf = (error: unknown) => (error instanceof ConflictError ? [taken] : null)
    const conflict = async () => {
      throw new ConflictError('taken')
    }
    assert.deepEqual(await attempt(conflict, issuesOf), { ok: false, issues: [taken] })
    await assert.rejects(attempt(conflict), ConflictError)
    await assert.rejects(
      attempt(async () => {
        throw new Error('database down')
      }, issuesOf),
      /database down/,
    )
  })
})

describe('savedMessage', () => {
  const messages = { base: 'Base saved' }
  const request = (query: Record<string, unknown>) => ({ query }) as unknown as FastifyRequest

  it('shows the message of a known key only', () => {
    assert.equal(savedMessage(request({ saved: 'base' }), messages), 'Base saved')
    assert.equal(savedMessage(request({}), messages), null)
    assert.equal(savedMessage(request({ saved: 'Your account is locked' }), messages), null)
    assert.equal(savedMessage(request({ saved: ['base', 'base'] }), messages), null)
  })

  it('does not show what every object inherits', () => {
    assert.equal(savedMessage(request({ saved: 'constructor' }), messages), null)
    assert.equal(savedMessage(request({ saved: 'toString' }), messages), null)
  })
})
