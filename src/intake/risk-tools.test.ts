import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Answer, RiskLevel } from './incident-schema.ts'
import {
  finalRiskLevel,
  loadRiskTools,
  RiskToolConfigError,
  scoreAssessment,
  type RiskToolDefinition,
} from './risk-tools.ts'

const tools = loadRiskTools()
const dash = tools.get('DASH')!
const dara = tools.get('DARA')!

// The first `yes` DASH questions answered yes, the rest no.
function dashAnswers(yes: number): Record<string, Answer> {
  return Object.fromEntries(dash.questions.map((q, i) => [q.id, i < yes ? 'yes' : 'no']))
}

describe('shipped risk tools', () => {
  it('has DASH with the 24 SafeLives questions and thresholds 14 / 10 / 1', () => {
    assert.equal(dash.questions.length, 24)
    assert.deepEqual(dash.scoring, { method: 'count_yes', thresholds: { high: 14, medium: 10, standard: 1 } })
    assert.equal(dash.questions[0]!.id, 'q1_injured')
    dash.questions.forEach((q, i) => assert.match(q.id, new RegExp(`^q${i + 1}_`)))
  })

  it('has DARA scored by officer judgement', () => {
    assert.equal(dara.scoring.method, 'judgement')
    assert.ok(dara.questions.length >= 12 && dara.questions.length <= 18)
  })
})

describe('scoreAssessment with DASH', () => {
  const cases: [number, RiskLevel, RegExp][] = [
    [0, 'standard', /below the standard band of 1\+, so standard by default/],
    [1, 'standard', /1 to 9/],
    [9, 'standard', /1 to 9/],
    [10, 'medium', /10 to 13/],
    [13, 'medium', /10 to 13/],
    [14, 'high', /14 or more/],
    [24, 'high', /14 or more/],
  ]
  for (const [yes, level, why] of cases) {
    it(`${yes} yes -> ${level}`, () => {
      const score = scoreAssessment(dash, dashAnswers(yes))
      assert.equal(score.level, level)
      assert.equal(score.yesCount, yes)
      assert.deepEqual(score.unknownQuestionIds, [])
      assert.match(score.explanation, new RegExp(`^DASH: ${yes} "yes" of 24 questions gives ${level}`))
      assert.match(score.explanation, why)
    })
  }

  it('counts only "yes": no and not_known add nothing', () => {
    const score = scoreAssessment(dash, { q1_injured: 'yes', q2_frightened: 'not_known', q3_afraid_of: 'no' })
    assert.equal(score.yesCount, 1)
    assert.equal(score.level, 'standard')
  })

  it('reports, and does not count, answers to questions the tool does not have', () => {
    const score = scoreAssessment(dash, { ...dashAnswers(13), q99_made_up: 'yes', d1_injury_now: 'yes' })
    assert.deepEqual(score.unknownQuestionIds, ['q99_made_up', 'd1_injury_now'])
    assert.equal(score.yesCount, 13)
    assert.equal(score.level, 'medium')
  })

  const noAnswers: [string, Record<string, Answer> | undefined][] = [
    ['undefined', undefined],
    ['empty', {}],
  ]
  for (const [name, answers] of noAnswers) {
    it(`gives no level when answers are ${name}`, () => {
      const score = scoreAssessment(dash, answers)
      assert.equal(score.level, null)
      assert.match(score.explanation, /no answers recorded/)
    })
  }
})

describe('scoreAssessment with a judgement tool', () => {
  it('leaves the level to the officer but still counts and checks answers', () => {
    const score = scoreAssessment(dara, { d1_injury_now: 'yes', d2_frightened: 'yes', q1_injured: 'no' })
    assert.equal(score.level, null)
    assert.equal(score.yesCount, 2)
    assert.deepEqual(score.unknownQuestionIds, ['q1_injured'])
    assert.match(score.explanation, /officer's judgement/)
  })
})

describe('finalRiskLevel', () => {
  const cases: [RiskLevel, RiskLevel | undefined, RiskLevel][] = [
    ['standard', undefined, 'standard'],
    ['standard', 'standard', 'standard'],
    ['standard', 'medium', 'medium'],
    ['standard', 'high', 'high'],
    ['medium', 'high', 'high'],
    ['medium', 'standard', 'medium'], // judgement never lowers
    ['high', 'standard', 'high'],
    ['high', 'medium', 'high'],
    ['high', undefined, 'high'],
  ]
  for (const [level, judgement, expected] of cases) {
    it(`${level} + judgement ${judgement ?? 'none'} -> ${expected}`, () => {
      assert.equal(finalRiskLevel(level, judgement), expected)
    })
  }
})

describe('loadRiskTools errors', () => {
  let dir: string
  before(() => (dir = mkdtempSync(join(tmpdir(), 'provide-risk-tools-'))))
  after(() => rmSync(dir, { recursive: true, force: true }))

  const good: RiskToolDefinition = {
    code: 'MINI',
    name: 'Mini tool',
    version: '1',
    questions: [
      { id: 'a', text: 'A?' },
      { id: 'b', text: 'B?' },
      { id: 'c', text: 'C?' },
    ],
    scoring: { method: 'count_yes', thresholds: { high: 3, medium: 2, standard: 1 } },
  }

  // Each case is a fresh folder of files and the problems the error must name.
  const cases: [string, Record<string, string>, RegExp[]][] = [
    ['bad JSON', { 'mini.json': '{ "code": ' }, [/mini\.json: not valid JSON/]],
    ['missing name', { 'mini.json': JSON.stringify({ ...good, name: undefined }) }, [/mini\.json: name: /]],
    [
      'lower-case code and bad question id',
      { 'mini.json': JSON.stringify({ ...good, code: 'mini', questions: [{ id: 'Q 1', text: 'x' }] }) },
      [/mini\.json: code: Code must be/, /mini\.json: questions\.0\.id: Question id must be/],
    ],
    [
      'unknown scoring method',
      { 'mini.json': JSON.stringify({ ...good, scoring: { method: 'weighted' } }) },
      [/mini\.json: scoring\.method: /],
    ],
    [
      'misspelt key',
      { 'mini.json': JSON.stringify({ ...good, scoring: { method: 'judgement', thresolds: {} } }) },
      [/mini\.json: scoring: .*thresolds/],
    ],
    [
      'falling thresholds',
      {
        'mini.json': JSON.stringify({
          ...good,
          scoring: { method: 'count_yes', thresholds: { high: 1, medium: 2, standard: 1 } },
        }),
      },
      [/mini\.json: scoring\.thresholds: Thresholds must rise/],
    ],
    [
      'high threshold above the question count',
      {
        'mini.json': JSON.stringify({
          ...good,
          scoring: { method: 'count_yes', thresholds: { high: 4, medium: 2, standard: 1 } },
        }),
      },
      [/mini\.json: scoring\.thresholds\.high: High threshold 4 is more than the 3 questions/],
    ],
    [
      'duplicate question id',
      {
        'mini.json': JSON.stringify({ ...good, questions: [...good.questions, { id: 'a', text: 'Again?' }] }),
      },
      [/mini\.json: questions\.3\.id: Duplicate question id a/],
    ],
    [
      'duplicate code across files',
      { 'a.json': JSON.stringify(good), 'b.json': JSON.stringify(good) },
      [/b\.json: code: MINI is already defined in a\.json/],
    ],
    ['no tool files', { 'README.txt': 'not a tool' }, [/no \*\.json risk tool files/]],
  ]
  for (const [name, files, expected] of cases) {
    it(name, () => {
      const folder = mkdtempSync(join(dir, 'case-'))
      for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text)
      assert.throws(
        () => loadRiskTools(folder),
        (err: unknown) => {
          assert.ok(err instanceof RiskToolConfigError)
          for (const pattern of expected) assert.match(err.message, pattern)
          return true
        },
      )
    })
  }

  it('loads a good folder and ignores files that are not JSON', () => {
    const folder = mkdtempSync(join(dir, 'good-'))
    writeFileSync(join(folder, 'mini.json'), JSON.stringify(good))
    writeFileSync(join(folder, 'notes.md'), '# notes')
    assert.deepEqual([...loadRiskTools(folder).keys()], ['MINI'])
  })
})
