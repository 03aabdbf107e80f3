import type { RiskLevel } from '../intake/incident-schema.ts'
import { formatLocal, formatLocalTime, localParts } from '../common/uk-time.ts'

/**
 * The morning triage rules: who the programme can attend, where the suspect's custody stands, and
 * how urgent each incident is. Pure functions of the facts and `now`; every answer carries
 * plain-English reasons for the detective sergeant, who makes the decision.
 */

export interface CustodyFacts {
  arrestedAt: Date
  expectedReleaseAt: Date | null
  releasedAt: Date | null
}

export interface TriageFacts {
  riskLevel: RiskLevel // final level after professional judgement
  additionalVulnerabilities: boolean
  healthNeeds: boolean // only a boolean reaches these rules, never health details
  childrenPresent: boolean
  // Other incidents involving the same victim or suspect in the 12 months before this one
  priorIncidentsSamePeople12m: number
  priorIncidentsSameAddress12m: number
  reportedAt: Date
  custody: CustodyFacts | null // the suspect's latest custody episode, if any
}

/** Codes match DECISION_REASONS where the meaning is the same, so a form can pre-select them. */
export interface Reason {
  code: string
  text: string
}

export const RISK_RANK: Record<RiskLevel, number> = { standard: 0, medium: 1, high: 2 }

const RISK_LABELS: Record<RiskLevel, string> = {
  standard: 'Standard risk',
  medium: 'Medium risk',
  high: 'High risk',
}

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

export interface Eligibility {
  eligible: boolean
  reasons: Reason[]
}

/**
 * High risk is always attended; medium and standard risk only where there are additional
 * vulnerabilities, health needs, or a chance to prevent future high harm (repeat incidents).
 * Lists every reason that applies, so the sergeant sees the whole picture.
 */
export function assessEligibility(facts: TriageFacts): Eligibility {
  const people = facts.priorIncidentsSamePeople12m
  const address = facts.priorIncidentsSameAddress12m
  const reasons: Reason[] = []
  if (facts.riskLevel === 'high') {
    reasons.push({ code: 'high_risk', text: 'High risk: the programme attends every high-risk victim' })
  }
  if (facts.additionalVulnerabilities) {
    reasons.push({ code: 'additional_vulnerabilities', text: 'Additional vulnerabilities recorded' })
  }
  if (facts.healthNeeds) {
    reasons.push({
      code: 'health_needs',
      text: 'Health needs identified, which the health IDVA can help with',
    })
  }
  if (facts.childrenPresent) {
    reasons.push({ code: 'children', text: 'Children were present, which is an additional vulnerability' })
  }
  if (people >= 1) {
    reasons.push({
      code: 'repeat_victimisation',
      text:
        `Repeat victimisation: ${count(people, 'earlier incident')} involving the same victim or suspect ` +
        'in the previous 12 months',
    })
  }
  if (people >= 2) {
    reasons.push({
      code: 'potential_escalation',
      text:
        `Possible escalation: ${people + 1} incidents involving the same people within 12 months, ` +
        'including this one; early intervention may prevent future high harm',
    })
  }
  if (address >= 1) {
    reasons.push({
      code: 'repeat_address',
      text: `Repeat address: ${count(address, 'earlier incident')} at the same address ` + 'in the previous 12 months',
    })
  }

  const eligible = reasons.length > 0
  if (!eligible) {
    reasons.push({
      code: 'low_risk_no_factors',
      text: `${RISK_LABELS[facts.riskLevel]} with no additional vulnerabilities, ` + 'health needs or repeat incidents',
    })
  }
  return { eligible, reasons }
}

/** '45m', '3h 20m', '3h', '2d 4h': coarse enough to read at a glance. Negative counts as 0. */
export function formatDuration(minutes: number): string {
  const total = Math.max(0, Math.floor(minutes))
  const days = Math.floor(total / (24 * 60))
  const hours = Math.floor((total % (24 * 60)) / 60)
  const mins = total % 60
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`
  if (hours > 0) return mins > 0 ? `${hours}h ${mins}m` : `${hours}h`
  return `${mins}m`
}

export type CustodyState = 'not_arrested' | 'in_custody' | 'release_due_passed' | 'released'

export interface CustodyStatus {
  state: CustodyState
  until: Date | null // the expected release, when known and not yet released
  minutesLeft: number | null // only while in custody with a known release time
  text: string
}

const sameLocalDay = (a: Date, b: Date) => {
  const pa = localParts(a)
  const pb = localParts(b)
  return pa.year === pb.year && pa.month === pb.month && pa.day === pb.day
}

// A time alone is ambiguous unless it is today's.
/** '14:30' on the day of `now`, '24 Nov 2026, 02:06' on another: a time alone is ambiguous unless it is that day's. */
export const localWhen = (date: Date, now: Date) =>
  sameLocalDay(date, now) ? formatLocalTime(date) : formatLocal(date)
const atOrOn = (date: Date, now: Date) => `${sameLocalDay(date, now) ? 'at' : 'on'} ${localWhen(date, now)}`

export type CustodyPosition = Omit<CustodyStatus, 'text'>

/**
 * Where the suspect's custody stands at `now`. A recorded release wins over any expected time.
 * Exactly at the expected release time the window is treated as closed (release_due_passed).
 * Cheap enough to run for every incident in a national-scale window; the wording is separate.
 */
export function custodyPosition(custody: CustodyFacts | null, now: Date): CustodyPosition {
  if (!custody) return { state: 'not_arrested', until: null, minutesLeft: null }
  if (custody.releasedAt) return { state: 'released', until: null, minutesLeft: null }
  const due = custody.expectedReleaseAt
  if (!due) return { state: 'in_custody', until: null, minutesLeft: null }
  if (due.getTime() > now.getTime()) {
    // Rounded up, so a suspect still in custody never shows '0m left'.
    return { state: 'in_custody', until: due, minutesLeft: Math.ceil((due.getTime() - now.getTime()) / MINUTE_MS) }
  }
  return { state: 'release_due_passed', until: due, minutesLeft: null }
}

/** custodyPosition with the sentence a sergeant reads. */
export function custodyStatus(custody: CustodyFacts | null, now: Date): CustodyStatus {
  const position = custodyPosition(custody, now)
  return { ...position, text: custodyText(position, custody, now) }
}

function custodyText(p: CustodyPosition, custody: CustodyFacts | null, now: Date): string {
  switch (p.state) {
    case 'not_arrested':
      return 'No arrest recorded'
    case 'released':
      return `Suspect released ${atOrOn(custody!.releasedAt!, now)}`
    case 'in_custody':
      return p.until
        ? `Suspect in custody until ${localWhen(p.until, now)} (${formatDuration(p.minutesLeft!)} left)`
        : 'In custody, release time not known'
    case 'release_due_passed':
      return `Expected release passed ${atOrOn(p.until!, now)}: check with custody`
  }
}

/** Points for each factor, so a force can tune the queue order without changing code. */
export interface PriorityWeights {
  risk: Record<RiskLevel, number>
  additionalVulnerabilities: number
  healthNeeds: number
  childrenPresent: number
  perPriorSamePeople: number
  maxPriorsSamePeople: number
  perPriorSameAddress: number
  maxPriorsSameAddress: number
  suspectInCustody: number // the window to see the victim safely
  releaseSoon: number // extra while that window is closing
  releaseSoonHours: number
  recentReport: number
  recentReportHours: number
}

export const DEFAULT_PRIORITY_WEIGHTS: PriorityWeights = {
  risk: { high: 60, medium: 30, standard: 10 },
  additionalVulnerabilities: 15,
  healthNeeds: 15,
  childrenPresent: 10,
  perPriorSamePeople: 5,
  maxPriorsSamePeople: 3,
  perPriorSameAddress: 3,
  maxPriorsSameAddress: 3,
  suspectInCustody: 10,
  releaseSoon: 5,
  releaseSoonHours: 4,
  recentReport: 5,
  recentReportHours: 6,
}

export interface ScorePart {
  code: string
  label: string
  points: number
}

export interface PriorityScore {
  total: number
  parts: ScorePart[]
}

function repeatPart(code: string, priors: number, where: string, perPrior: number, maxPriors: number): ScorePart {
  const counted = Math.min(priors, maxPriors)
  const capped = priors > counted ? ` (${counted} counted)` : ''
  return { code, label: `${count(priors, 'earlier incident')} ${where}${capped}`, points: perPrior * counted }
}

/** An additive score that explains itself: each part says what earned its points. */
export function priorityScore(
  facts: TriageFacts,
  now: Date,
  weights: PriorityWeights = DEFAULT_PRIORITY_WEIGHTS,
): PriorityScore {
  const custody = custodyPosition(facts.custody, now)
  const inCustody = custody.state === 'in_custody'
  const releaseSoon =
    inCustody && custody.until !== null && custody.until.getTime() - now.getTime() <= weights.releaseSoonHours * HOUR_MS
  const recent = now.getTime() - facts.reportedAt.getTime() <= weights.recentReportHours * HOUR_MS

  const parts: ScorePart[] = [
    { code: 'risk', label: RISK_LABELS[facts.riskLevel], points: weights.risk[facts.riskLevel] },
    {
      code: 'additional_vulnerabilities',
      label: 'Additional vulnerabilities',
      points: facts.additionalVulnerabilities ? weights.additionalVulnerabilities : 0,
    },
    { code: 'health_needs', label: 'Health needs', points: facts.healthNeeds ? weights.healthNeeds : 0 },
    {
      code: 'children',
      label: 'Children present',
      points: facts.childrenPresent ? weights.childrenPresent : 0,
    },
    repeatPart(
      'repeat_victimisation',
      facts.priorIncidentsSamePeople12m,
      'with the same people',
      weights.perPriorSamePeople,
      weights.maxPriorsSamePeople,
    ),
    repeatPart(
      'repeat_address',
      facts.priorIncidentsSameAddress12m,
      'at the same address',
      weights.perPriorSameAddress,
      weights.maxPriorsSameAddress,
    ),
    {
      code: 'suspect_in_custody',
      label: 'Suspect in custody now',
      points: inCustody ? weights.suspectInCustody : 0,
    },
    {
      code: 'release_soon',
      label: `Release expected within ${count(weights.releaseSoonHours, 'hour')}`,
      points: releaseSoon ? weights.releaseSoon : 0,
    },
    {
      code: 'recent',
      label: `Reported within the last ${count(weights.recentReportHours, 'hour')}`,
      points: recent ? weights.recentReport : 0,
    },
  ].filter((part) => part.points !== 0)

  return { total: parts.reduce((sum, part) => sum + part.points, 0), parts }
}

/** The least a queue row needs for ordering. */
export interface QueueRow {
  total: number
  riskLevel: RiskLevel
  reportedAt: Date
}

/** For Array.sort: higher score first, then higher risk, then the newer report. */
export function compareForQueue(a: QueueRow, b: QueueRow): number {
  return (
    b.total - a.total ||
    RISK_RANK[b.riskLevel] - RISK_RANK[a.riskLevel] ||
    b.reportedAt.getTime() - a.reportedAt.getTime()
  )
}
