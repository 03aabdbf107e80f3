import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { decisionIssues, type Decision } from './decisions.ts'

describe('decisionIssues', () => {
  const cases: {
    name: string
    decision: Decision
    reasonCode: string
    text?: string
    eligible: boolean
    issue: boolean
  }[] = [
    { name: 'attend an eligible incident', decision: 'attend', reasonCode: 'high_risk', eligible: true, issue: false },
    { name: '"other" without text', decision: 'attend', reasonCode: 'other', eligible: true, issue: true },
    {
      name: '"other" with text',
      decision: 'attend',
      reasonCode: 'other',
      text: 'DS asked',
      eligible: true,
      issue: false,
    },
    {
      name: 'whitespace is not text',
      decision: 'attend',
      reasonCode: 'other',
      text: '  ',
      eligible: false,
      issue: true,
    },
    {
      name: 'eligible but not for programme, no text',
      decision: 'not_for_programme',
      reasonCode: 'victim_declined',
      eligible: true,
      issue: true,
    },
    {
      name: 'eligible but not for programme, explained',
      decision: 'not_for_programme',
      reasonCode: 'victim_declined',
      text: 'Declined by phone',
      eligible: true,
      issue: false,
    },
    {
      name: 'not eligible, not for programme',
      decision: 'not_for_programme',
      reasonCode: 'low_risk_no_factors',
      eligible: false,
      issue: false,
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const issues = decisionIssues({ decision: c.decision, reasonCode: c.reasonCode, reasonText: c.text }, c.eligible)
      assert.equal(issues.length > 0, c.issue)
      if (c.issue) assert.equal(issues[0]!.path, 'reasonText')
    })
  }
})
