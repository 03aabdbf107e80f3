import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { RISK_LEVELS, type Answer, type RiskLevel } from './incident-schema.ts'

/**
 * Forces customise their risk tool, so a tool is configuration: a JSON file per tool in
 * `config/risk-tools`, validated here. Scoring is either a count of "yes" answers against
 * thresholds (DASH) or the officer's judgement, recorded as the level (DARA).
 */

export const DEFAULT_RISK_TOOLS_DIR = fileURLToPath(new URL('../../config/risk-tools/', import.meta.url))

const count = z.number().int().min(0)

const scoringSchema = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('count_yes'),
    thresholds: z
      .strictObject({ high: count, medium: count, standard: count })
      .describe('The fewest "yes" answers that give each level')
      .refine((t) => t.standard <= t.medium && t.medium <= t.high, 'Thresholds must rise: standard <= medium <= high'),
  }),
  z.strictObject({ method: z.literal('judgement') }),
])

export const riskToolDefinitionSchema = z
  .strictObject({
    // Same shape as an incident's risk.tool, which is upper-cased before lookup.
    code: z.string().regex(/^[A-Z0-9_-]{2,20}$/, 'Code must be 2 to 20 capital letters, digits, _ or -'),
    name: z.string().trim().min(1),
    version: z.string().trim().min(1),
    description: z.string().trim().min(1).optional(),
    questions: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[a-z0-9_]{1,40}$/, 'Question id must be 1 to 40 lower-case letters, digits or _'),
          text: z.string().trim().min(1),
        }),
      )
      .min(1),
    scoring: scoringSchema,
  })
  .superRefine((tool, ctx) => {
    const seen = new Set<string>()
    tool.questions.forEach(({ id }, i) => {
      if (seen.has(id))
        ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `Duplicate question id ${id}` })
      seen.add(id)
    })
    if (tool.scoring.method === 'count_yes' && tool.scoring.thresholds.high > tool.questions.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['scoring', 'thresholds', 'high'],
        message: `High threshold ${tool.scoring.thresholds.high} is more than the ${tool.questions.length} questions`,
      })
    }
  })
export type RiskToolDefinition = z.infer<typeof riskToolDefinitionSchema>

export class RiskToolConfigError extends Error {}

/** Every *.json tool in `dir`, keyed by code. Throws one error listing every problem in every file. */
export function loadRiskTools(dir: string = DEFAULT_RISK_TOOLS_DIR): Map<string, RiskToolDefinition> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
  const tools = new Map<string, RiskToolDefinition>()
  const fileForCode = new Map<string, string>()
  const problems: string[] = []
  for (const file of files) {
    let json: unknown
    try {
      json = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    } catch (err) {
      problems.push(`${file}: not valid JSON (${(err as Error).message})`)
      continue
    }
    const parsed = riskToolDefinitionSchema.safeParse(json)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`)
      }
      continue
    }
    const tool = parsed.data
    const earlier = fileForCode.get(tool.code)
    if (earlier) {
      problems.push(`${file}: code: ${tool.code} is already defined in ${earlier}`)
      continue
    }
    fileForCode.set(tool.code, file)
    tools.set(tool.code, tool)
  }
  if (files.length === 0) problems.push('no *.json risk tool files')
  if (problems.length > 0) {
    throw new RiskToolConfigError(`Risk tool configuration in ${dir} has problems:\n  ${problems.join('\n  ')}`)
  }
  return tools
}

export interface RiskScore {
  /** null when the tool leaves the level to the officer, or no answers were given. */
  level: RiskLevel | null
  yesCount: number
  explanation: string
  /** Answer keys that are not questions in this tool; they are not counted. */
  unknownQuestionIds: string[]
}

export function scoreAssessment(tool: RiskToolDefinition, answers: Record<string, Answer> | undefined): RiskScore {
  const questionIds = new Set(tool.questions.map((q) => q.id))
  const entries = Object.entries(answers ?? {})
  const unknownQuestionIds = entries.map(([id]) => id).filter((id) => !questionIds.has(id))
  const yesCount = entries.filter(([id, answer]) => questionIds.has(id) && answer === 'yes').length
  const of = `${yesCount} "yes" of ${tool.questions.length} questions`

  if (tool.scoring.method === 'judgement') {
    const explanation = `${tool.code} is scored by the officer's judgement; the recorded level stands (${of})`
    return { level: null, yesCount, explanation, unknownQuestionIds }
  }
  if (entries.length === 0) {
    return {
      level: null,
      yesCount,
      explanation: `${tool.code}: no answers recorded, so no level to check`,
      unknownQuestionIds,
    }
  }
  const { high, medium, standard } = tool.scoring.thresholds
  let level: RiskLevel
  let why: string
  if (yesCount >= high) [level, why] = ['high', `${high} or more`]
  else if (yesCount >= medium) [level, why] = ['medium', `${medium} to ${high - 1}`]
  else if (yesCount >= standard) [level, why] = ['standard', `${standard} to ${medium - 1}`]
  // Below the lowest band (usually no "yes" at all) is still a domestic abuse incident: standard,
  // said plainly so a reviewer can check whether the questions were actually asked.
  else [level, why] = ['standard', `below the standard band of ${standard}+, so standard by default`]
  return { level, yesCount, explanation: `${tool.code}: ${of} gives ${level} (${why})`, unknownQuestionIds }
}

/** The level to act on: professional judgement may raise the tool's level, never lower it. */
export function finalRiskLevel(level: RiskLevel, judgementLevel?: RiskLevel): RiskLevel {
  if (!judgementLevel) return level
  return RISK_LEVELS.indexOf(judgementLevel) > RISK_LEVELS.indexOf(level) ? judgementLevel : level
}
