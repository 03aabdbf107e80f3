import { localParts } from '../common/uk-time.ts'
import type { Answer, IncidentInput, PersonInput, RiskLevel } from '../intake/incident-schema.ts'
import { RISK_LEVELS } from '../intake/incident-schema.ts'
import { generateNhsNumber } from '../intake/nhs-number.ts'
import type { RiskToolDefinition } from '../intake/risk-tools.ts'
import { DEMO_AREAS, type DemoArea, type PostcodeDistrict } from './areas.ts'
import { FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, STREET_STEMS, STREET_SUFFIXES, SURNAMES } from './names.ts'

/**
 * Synthetic domestic abuse incidents for demos, tests and benchmarks. Deterministic for a seed and
 * streaming: incidents come out in reported order and only bounded pools are kept (recurring
 * couples and addresses per area), so two million incidents need no more memory than two hundred.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  pick<T>(xs: readonly T[]): T
  chance(p: number): boolean
}

/** sfc32 seeded through splitmix32, so nearby seeds give unrelated streams. Seeds are taken as 32-bit. */
export function createRandom(seed: number): Random {
  let x = seed >>> 0
  const splitmix = () => {
    x = (x + 0x9e3779b9) | 0
    let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = splitmix()
  let b = splitmix()
  let c = splitmix()
  let d = splitmix()
  const next = () => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 15; i++) next() // the first outputs still echo the seed
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    pick<T>(xs: readonly T[]): T {
      if (xs.length === 0) throw new RangeError('Cannot pick from an empty list')
      return xs[int(0, xs.length - 1)] as T
    },
    chance: (p) => next() < p,
  }
}

export interface GenerateOptions {
  count: number
  seed: number
  now: Date
  riskTools: Map<string, RiskToolDefinition>
  /** Incidents are reported over this many days before `now`; default 365. */
  spanDays?: number
}

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS
const YEAR_MS = 365.2425 * DAY_MS

// A real year averages ~110 incidents a day across the five areas, so the last 24 hours fill
// themselves. A small demo set would leave the morning queue nearly empty, so the last 24 hours
// always get at least this many incidents, up to a quarter of the set (200 incidents give 50).
const DEMO_QUEUE_TARGET = 50
const DEMO_QUEUE_MAX_SHARE = 0.25

// Local hour of day (0-23) and day of week (Sunday first): evenings, nights and weekends are busiest.
const HOUR_WEIGHTS = [
  1.6, 1.3, 1, 0.7, 0.5, 0.35, 0.35, 0.45, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1, 1.1, 1.2, 1.35, 1.55, 1.75, 1.9, 2, 1.95,
  1.8,
]
const WEEKDAY_WEIGHTS = [1.3, 0.9, 0.85, 0.85, 0.9, 1.15, 1.35]

/** Items with relative weights, drawn from by `draw`. */
interface Table<T> {
  items: readonly T[]
  weights: readonly number[]
  total: number
}

function table<T>(entries: readonly (readonly [T, number])[]): Table<T> {
  const weights = entries.map(([, w]) => w)
  return { items: entries.map(([item]) => item), weights, total: weights.reduce((a, b) => a + b, 0) }
}

function draw<T>(rng: Random, { items, weights, total }: Table<T>): T {
  let x = rng.next() * total
  for (let i = 0; i < items.length; i++) {
    x -= weights[i] as number
    if (x < 0) return items[i] as T
  }
  return items[items.length - 1] as T
}

// Levels are indexes into RISK_LEVELS (standard, medium, high). Repeat victims and escalating couples
// carry more risk, which lifts the overall mix to roughly 50/35/15.
const NEW_RISK = table([
  [0, 0.59],
  [1, 0.33],
  [2, 0.08],
])
const REPEAT_RISK = table([
  [0, 0.35],
  [1, 0.4],
  [2, 0.25],
])
const ARREST_CHANCE = [0.33, 0.45, 0.7]
const REPEAT_VICTIM_SHARE = 0.33 // some draws find no earlier couple ready, so about 30% end up repeats
// Only some new couples can recur, so those that do come back several times (about 3 incidents each).
const RECURRING_SHARE = 0.2
const ESCALATING_SHARE = 0.5
const JUDGEMENT_RAISE_SHARE = 0.125 // of medium and high on a scored tool: about 5% of all incidents
const POOL_CAP = 3000

const VICTIM_AGES = table([
  [[18, 24], 0.2],
  [[25, 34], 0.32],
  [[35, 44], 0.24],
  [[45, 54], 0.14],
  [[55, 64], 0.06],
  [[65, 84], 0.04],
] as const)
// An adult son or daughter as the abuser needs a victim old enough to be their parent.
const KINDS = table([
  ['partner', 0.72],
  ['ex-partner', 0.2],
] as const)
const KINDS_38_PLUS = table([
  ['partner', 0.72],
  ['ex-partner', 0.2],
  ['family', 0.08],
] as const)
const CHILD_COUNTS = table([
  [1, 0.5],
  [2, 0.35],
  [3, 0.15],
])
// Most reports come within the hour; some the next morning.
const REPORT_DELAY_HOURS = table([
  [1, 0.6],
  [4, 0.25],
  [12, 0.15],
])

const VULNERABILITY_NOTES = [
  'Victim has a learning disability',
  'No recourse to public funds',
  'Victim is deaf and uses British Sign Language',
  'Limited English; needs an interpreter',
  'Victim is a wheelchair user and relies on the suspect for care',
  'Victim is homeless and sofa-surfing',
  'Substance misuse',
  'Recently moved to the area and isolated from family',
]
const HEALTH_NOTES = [
  'Mental health support needs',
  'Anxiety and depression; under GP care',
  'Alcohol dependency',
  'Drug dependency',
  'Diabetes; has missed recent hospital appointments',
  'History of self-harm',
  'Possible head injury not yet seen by a doctor',
  'Chronic pain; prescribed strong painkillers',
]
const JUDGEMENT_REASONS = [
  'Suspect was recently released from prison for violence against a previous partner.',
  'Calls to this address have become more frequent over the last month.',
  'Victim too frightened to answer most questions; officer believes the risk is understated.',
  'Suspect has access to weapons through work.',
  'Victim has just separated and the suspect is refusing to accept it.',
  'Children at the address are subject to a child protection plan.',
]
const ACTS: readonly (readonly string[])[] = [
  ['a heated argument and verbal abuse', 'repeated abusive calls and messages', 'damage to property in the home'],
  [
    'being pushed and slapped',
    'threats of violence',
    'controlling behaviour and being kept from friends',
    'being followed and watched',
  ],
  [
    'being strangled',
    'an assault causing injury',
    'threats to kill',
    'being threatened with a knife',
    'being prevented from leaving the house',
  ],
]
const POSTCODE_INWARD_LETTERS = [...'ABDEFGHJLNPQRSTUWXYZ']

type Kind = 'partner' | 'ex-partner' | 'family'
type Details = Pick<PersonInput, 'firstName' | 'lastName' | 'dateOfBirth' | 'phone' | 'nhsNumber'>

interface Identity {
  details: Details
  female: boolean
}

interface Child {
  details: Details
  adultFromMs: number // UTC midnight starting the 18th birthday
}

interface Place {
  line: string
  postcode: string
  latitude: number
  longitude: number
}

// A victim and suspect who may come back to police attention.
interface Couple {
  kind: Kind
  victim: Identity
  suspect: Identity
  home: Place
  suspectHome: Place
  children: Child[]
  vulnerability: string | undefined
  healthNeed: string | undefined
  escalating: boolean
  level: number
  lastReportedMs: number
}

// Fixed-size pool that overwrites its oldest entry, so memory stays bounded however long the run.
class Ring<T> {
  private items: T[] = []
  private oldest = 0
  constructor(private readonly capacity: number) {}
  add(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item)
    else {
      this.items[this.oldest] = item
      this.oldest = (this.oldest + 1) % this.capacity
    }
  }
  pick(rng: Random): T | undefined {
    return this.items.length === 0 ? undefined : rng.pick(this.items)
  }
}

interface AreaState {
  area: DemoArea
  couples: Ring<Couple>
  places: Ring<Place>
}

interface ToolPlan {
  code: string
  questionIds: string[]
  /** [fewest, most] "yes" answers that give each level, or null when the officer judges the level. */
  bands: [number, number][] | null
}

// Every configured tool appears; DASH, where configured, four times as often as each other tool.
function planTools(riskTools: Map<string, RiskToolDefinition>): Table<ToolPlan> {
  const plans = [...riskTools.values()].map((tool): [ToolPlan, number] => {
    const questionIds = tool.questions.map((q) => q.id)
    let bands: [number, number][] | null = null
    if (tool.scoring.method === 'count_yes') {
      const { standard, medium, high } = tool.scoring.thresholds
      // Below the standard band still scores standard, so use that when the band itself is empty.
      bands = [
        [standard < medium ? standard : 0, medium - 1],
        [medium, high - 1],
        [high, questionIds.length],
      ]
      if (bands.some(([min, max]) => min > max)) {
        throw new RangeError(`${tool.code}: thresholds leave a risk level that no answers can reach`)
      }
    }
    return [{ code: tool.code, questionIds, bands }, tool.code === 'DASH' ? 4 : 1]
  })
  if (plans.length === 0) throw new RangeError('No risk tools to generate assessments with')
  return table(plans)
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const isoInstant = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString()
const phone = (rng: Random) => `07700 900${String(rng.int(0, 999)).padStart(3, '0')}` // Ofcom drama range
const round5 = (n: number) => Math.round(n * 1e5) / 1e5

function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

interface Street {
  postcode: string
  latitude: number
  longitude: number
}

// A street's postcode and position come from its name, so every incident on it agrees, in every run.
// Bounded by the word lists: at most districts x stems x suffixes entries.
const streets = new Map<string, Street>()

function street(district: PostcodeDistrict, name: string): Street {
  const key = `${district.outward} ${name}`
  let found = streets.get(key)
  if (!found) {
    const rng = createRandom(hashString(key))
    const { south, west, north, east } = district.bounds
    const inward = `${rng.int(1, 9)}${rng.pick(POSTCODE_INWARD_LETTERS)}${rng.pick(POSTCODE_INWARD_LETTERS)}`
    found = {
      postcode: `${district.outward} ${inward}`,
      latitude: south + rng.next() * (north - south),
      longitude: west + rng.next() * (east - west),
    }
    streets.set(key, found)
  }
  return found
}

function newPlace(rng: Random, area: DemoArea): Place {
  const district = rng.pick(area.districts)
  const name = `${rng.pick(STREET_STEMS)} ${rng.pick(STREET_SUFFIXES)}`
  const { postcode, latitude, longitude } = street(district, name)
  const { south, west, north, east } = district.bounds
  const house = rng.int(1, 160)
  const flat = rng.chance(0.15) ? `Flat ${rng.int(1, 12)}, ` : ''
  // Houses spread a hundred metres or so along the street, staying inside the district.
  return {
    line: `${flat}${house} ${name}, ${district.town}`,
    postcode,
    latitude: round5(Math.min(north, Math.max(south, latitude + (rng.next() - 0.5) * 0.002))),
    longitude: round5(Math.min(east, Math.max(west, longitude + (rng.next() - 0.5) * 0.002))),
  }
}

function newIdentity(rng: Random, female: boolean, birthMs: number, lastName?: string): Identity {
  const details: Details = {
    firstName: rng.pick(female ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES),
    lastName: lastName ?? rng.pick(SURNAMES),
  }
  if (rng.chance(0.95)) details.dateOfBirth = isoDate(birthMs)
  if (rng.chance(0.85)) details.phone = phone(rng)
  return { details, female }
}

// Born `age` whole years before `atMs`, with two days' margin so the age holds either side of midnight.
const birthBefore = (rng: Random, atMs: number, age: number) => atMs - (age + rng.next()) * YEAR_MS - 2 * DAY_MS

function newCouple(rng: Random, state: AreaState, occurredMs: number, level: number): Couple {
  const [minAge, maxAge] = draw(rng, VICTIM_AGES)
  const age = rng.int(minAge, maxAge)
  // Now and then a suspect already known for another victim, with a new partner.
  const repeatSuspect = rng.chance(0.06) ? state.couples.pick(rng)?.suspect : undefined
  const female = repeatSuspect ? !repeatSuspect.female || rng.chance(0.05) : rng.chance(0.85)
  const kind: Kind = repeatSuspect ? 'partner' : draw(rng, age >= 38 ? KINDS_38_PLUS : KINDS)
  const victim = newIdentity(rng, female, birthBefore(rng, occurredMs, age))
  if (rng.chance(0.7)) victim.details.nhsNumber = generateNhsNumber(rng.next)

  let suspect = repeatSuspect
  if (!suspect) {
    const suspectFemale = kind === 'family' ? rng.chance(0.2) : rng.chance(0.05) ? female : !female
    const suspectAge =
      kind === 'family' ? rng.int(18, Math.min(40, age - 18)) : Math.max(18, age + rng.int(-4, female ? 8 : 3))
    const surname = kind === 'family' || rng.chance(0.35) ? victim.details.lastName : undefined
    suspect = newIdentity(rng, suspectFemale, birthBefore(rng, occurredMs, suspectAge), surname)
  }

  // Some addresses come back with new people: flats, shared houses, a new tenant.
  const home = (rng.chance(0.1) && state.places.pick(rng)) || newPlace(rng, state.area)
  state.places.add(home)
  const cohabiting = rng.chance(kind === 'partner' ? 0.65 : kind === 'family' ? 0.7 : 0.1)

  const children: Child[] = []
  const minChildAge = Math.max(0, age - 42)
  const maxChildAge = Math.min(15, age - 17)
  if (kind !== 'family' && minChildAge <= maxChildAge && rng.chance(0.47)) {
    for (let i = draw(rng, CHILD_COUNTS); i > 0; i--) {
      const dateOfBirth = isoDate(birthBefore(rng, occurredMs, rng.int(minChildAge, maxChildAge)))
      const details: Details = {
        firstName: rng.pick(rng.chance(0.5) ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES),
        lastName: (rng.chance(0.6) ? victim : suspect).details.lastName,
        dateOfBirth,
      }
      if (rng.chance(0.7)) details.nhsNumber = generateNhsNumber(rng.next)
      // Date.UTC rolls 29 February on to 1 March in a year without one, as the intake rules do.
      const [year, month, day] = dateOfBirth.split('-').map(Number) as [number, number, number]
      children.push({ details, adultFromMs: Date.UTC(year + 18, month - 1, day) })
    }
  }

  const pregnancyPossible = female && age < 45
  return {
    kind,
    victim,
    suspect,
    home,
    suspectHome: cohabiting ? home : newPlace(rng, state.area),
    children,
    vulnerability: rng.chance(0.2)
      ? pregnancyPossible && rng.chance(0.2)
        ? 'Pregnant'
        : rng.pick(VULNERABILITY_NOTES)
      : undefined,
    healthNeed: rng.chance(0.15) ? rng.pick(HEALTH_NOTES) : undefined,
    escalating: rng.chance(ESCALATING_SHARE),
    level,
    lastReportedMs: 0,
  }
}

function assessRisk(rng: Random, tools: Table<ToolPlan>, level: number): IncidentInput['risk'] {
  const tool = draw(rng, tools)
  const answers: Record<string, Answer> = {}
  if (!tool.bands) {
    // Judged by the officer: more "yes" the higher the level they chose.
    const yes = [0.15, 0.35, 0.6][level] ?? 0
    for (const id of tool.questionIds) answers[id] = rng.chance(0.04) ? 'not_known' : rng.chance(yes) ? 'yes' : 'no'
    return { tool: tool.code, answers, level: RISK_LEVELS[level] as RiskLevel }
  }

  // Professional judgement raises a scored level now and then; the answers match the lower level.
  const raised = level > 0 && rng.chance(JUDGEMENT_RAISE_SHARE)
  const assessed = raised ? level - (level === 2 && rng.chance(0.25) ? 2 : 1) : level
  const [min, max] = tool.bands[assessed] as [number, number]
  const yesCount = min + Math.floor(rng.next() ** 2 * (max - min + 1)) // most near the bottom of the band
  const notKnown = rng.chance(0.3) ? rng.int(1, 2) : 0
  // A random ranking of the questions picks which are "yes"; answers keep the tool's question order.
  const rank: number[] = []
  for (let i = 0; i < tool.questionIds.length; i++) rank.push(i)
  for (let i = rank.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[rank[i], rank[j]] = [rank[j] as number, rank[i] as number]
  }
  tool.questionIds.forEach((id, i) => {
    const r = rank[i] as number
    answers[id] = r < yesCount ? 'yes' : r < yesCount + notKnown ? 'not_known' : 'no'
  })
  return {
    tool: tool.code,
    answers,
    level: RISK_LEVELS[assessed] as RiskLevel,
    ...(raised ? { judgementLevel: RISK_LEVELS[level], judgementReason: rng.pick(JUDGEMENT_REASONS) } : {}),
  }
}

// Reported times follow a weighted hour-by-hour timeline ending at `now`. Successive ascending order
// statistics of uniforms, mapped through the timeline's inverse CDF, give sorted times one at a time.
function createTimeline(rng: Random, now: Date, spanDays: number, count: number) {
  const hours = Math.max(1, Math.round(spanDays * 24))
  const start = now.getTime() - hours * HOUR_MS
  const weights = new Float64Array(hours)
  const offsets = new Float64Array(hours) // UK offset from UTC in each hour
  for (let k = 0; k < hours; k++) {
    const mid = start + (k + 0.5) * HOUR_MS
    const { year, month, day, hour, minute } = localParts(new Date(mid))
    offsets[k] = Math.round((Date.UTC(year, month - 1, day, hour, minute) - mid) / (15 * MINUTE_MS)) * 15 * MINUTE_MS
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay()
    weights[k] = (HOUR_WEIGHTS[hour] as number) * (WEEKDAY_WEIGHTS[weekday] as number)
  }
  const recentFrom = Math.max(0, hours - 24)
  let older = 0
  let recent = 0
  for (let k = 0; k < hours; k++) {
    if (k < recentFrom) older += weights[k] as number
    else recent += weights[k] as number
  }
  const want = Math.min(DEMO_QUEUE_MAX_SHARE, DEMO_QUEUE_TARGET / Math.max(1, count))
  if (older > 0 && recent / (older + recent) < want) {
    const boost = (want * older) / ((1 - want) * recent)
    for (let k = recentFrom; k < hours; k++) weights[k] = (weights[k] as number) * boost
    recent *= boost
  }
  const total = older + recent

  let u = 0
  let k = 0
  let before = 0 // total weight of the hours before hour k
  let remaining = count
  let localDay = NaN
  let dayStamp = ''
  return () => {
    u = 1 - (1 - u) * (1 - rng.next()) ** (1 / remaining--)
    const x = u * total
    while (k < hours - 1 && before + (weights[k] as number) <= x) before += weights[k++] as number
    const within = Math.min(1, (x - before) / (weights[k] as number))
    const reportedMs = Math.min(now.getTime(), Math.floor((start + (k + within) * HOUR_MS) / 1000) * 1000)
    const localMs = reportedMs + (offsets[k] as number)
    if (Math.floor(localMs / DAY_MS) !== localDay) {
      localDay = Math.floor(localMs / DAY_MS)
      dayStamp = isoDate(localMs).replaceAll('-', '')
    }
    return { reportedMs, dayStamp }
  }
}

function person(role: PersonInput['role'], details: Details, at?: Place): PersonInput {
  const record: PersonInput = { role, ...details }
  if (at) {
    record.address = at.line
    record.postcode = at.postcode
  }
  return record
}

const relationNoun = (kind: Kind, suspect: Identity) => (kind !== 'family' ? kind : suspect.female ? 'daughter' : 'son')

/** `count` incidents, oldest first, reported over `spanDays` before `now`. */
export function* generateIncidents(opts: GenerateOptions): Generator<IncidentInput> {
  const { count, seed, now, riskTools, spanDays = 365 } = opts
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a whole number, not ${count}`)
  if (!(spanDays > 0)) throw new RangeError(`spanDays must be more than 0, not ${spanDays}`)
  const rng = createRandom(seed)
  const tools = planTools(riskTools)
  const nowMs = now.getTime()
  // Repeat incidents for a couple are days apart, not minutes.
  const minRepeatGapMs = Math.min(3 * DAY_MS, (spanDays * DAY_MS) / 20)
  const areas = table(
    DEMO_AREAS.map((area): [AreaState, number] => {
      const capacity = Math.min(POOL_CAP, Math.max(16, Math.ceil(count * area.weight * 0.15)))
      return [{ area, couples: new Ring<Couple>(capacity), places: new Ring<Place>(capacity) }, area.weight]
    }),
  )
  const nextTime = createTimeline(rng, now, spanDays, count)
  let day = ''
  let sequence = 0

  for (let n = 0; n < count; n++) {
    const { reportedMs, dayStamp } = nextTime()
    if (dayStamp !== day) [day, sequence] = [dayStamp, 0]
    // The seed is part of the reference, so data sets made with different seeds can be combined.
    const forceReference = `LC${seed}-${dayStamp}-${String(++sequence).padStart(6, '0')}`
    const state = draw(rng, areas)
    let occurredMs = reportedMs - draw(rng, REPORT_DELAY_HOURS) * rng.next() * HOUR_MS

    let couple: Couple | undefined
    if (rng.chance(REPEAT_VICTIM_SHARE)) {
      const candidate = state.couples.pick(rng)
      if (candidate && candidate.lastReportedMs <= reportedMs - minRepeatGapMs) couple = candidate
    }
    const repeat = couple !== undefined
    let level: number
    if (couple) {
      occurredMs = Math.max(occurredMs, couple.lastReportedMs)
      level = couple.escalating ? Math.min(2, couple.level + (rng.chance(0.4) ? 1 : 0)) : draw(rng, REPEAT_RISK)
      couple.level = level
      if (rng.chance(0.1)) {
        // Moved house; a partner living there moves too.
        const moved = newPlace(rng, state.area)
        if (couple.suspectHome === couple.home) couple.suspectHome = moved
        couple.home = moved
        state.places.add(moved)
      }
    } else {
      level = draw(rng, NEW_RISK)
      couple = newCouple(rng, state, occurredMs, level)
      if (rng.chance(RECURRING_SHARE)) state.couples.add(couple)
    }
    couple.lastReportedMs = reportedMs

    const { victim, suspect, home, suspectHome } = couple
    let location = home
    if (rng.chance(0.15)) location = suspectHome !== home && rng.chance(0.5) ? suspectHome : newPlace(rng, state.area)

    // A day's margin covers the UK date running ahead of UTC, erring towards leaving a child out.
    const children = couple.children.filter((c) => occurredMs + DAY_MS < c.adultFromMs)
    const childrenPresent = children.length > 0 && rng.chance(0.85)

    const people = [person('victim', victim.details, rng.chance(0.95) ? home : undefined)]
    const suspectNamed = rng.chance(0.97)
    let arrested = false
    if (suspectNamed) {
      const record = person('suspect', suspect.details, rng.chance(0.8) ? suspectHome : undefined)
      const sinceReport = nowMs - reportedMs
      arrested = rng.chance(ARREST_CHANCE[level] as number) && sinceReport >= 10 * MINUTE_MS
      if (arrested) {
        const arrestedMs =
          reportedMs + 10 * MINUTE_MS + rng.next() * (Math.min(3 * HOUR_MS, sinceReport) - 10 * MINUTE_MS)
        const expectedMs = arrestedMs + rng.int(12, 36) * HOUR_MS
        // Released before the custody clock runs out; a release still to come is not recorded.
        const releasedMs = arrestedMs + (0.3 + 0.7 * rng.next()) * (expectedMs - arrestedMs)
        record.custody = {
          arrestedAt: isoInstant(arrestedMs),
          expectedReleaseAt: isoInstant(expectedMs),
          ...(releasedMs <= nowMs ? { releasedAt: isoInstant(releasedMs) } : {}),
        }
      }
      people.push(record)
    }
    if (childrenPresent) for (const child of children) people.push(person('child', child.details, home))
    if (rng.chance(0.07)) {
      // A relative or neighbour who saw or heard it.
      const witness = newIdentity(rng, rng.chance(0.5), birthBefore(rng, occurredMs, rng.int(18, 70)))
      people.push(person('other', witness.details))
    }

    const place =
      location === home ? 'at home' : location === suspectHome ? "at the suspect's address" : 'at another address'
    const by = suspectNamed
      ? `${victim.female ? 'her' : 'his'} ${relationNoun(couple.kind, suspect)}`
      : 'someone the victim will not name'
    const summary =
      `Victim reports ${rng.pick(ACTS[level] as readonly string[])} by ${by} ${place}.` +
      (childrenPresent ? ' Children were in the house.' : '') +
      (repeat ? ' Police have attended for this couple before.' : '') +
      (arrested ? ' Suspect arrested.' : '')

    const { vulnerability, healthNeed } = couple
    yield {
      forceReference,
      reportedAt: isoInstant(reportedMs),
      occurredAt: isoInstant(occurredMs),
      location: {
        address: location.line,
        postcode: location.postcode,
        area: state.area.name,
        latitude: location.latitude,
        longitude: location.longitude,
      },
      people,
      risk: assessRisk(rng, tools, level),
      additionalVulnerabilities: vulnerability !== undefined,
      ...(vulnerability ? { vulnerabilityNotes: vulnerability } : {}),
      healthNeeds: healthNeed !== undefined,
      ...(healthNeed ? { healthNeedsNotes: healthNeed } : {}),
      childrenPresent,
      summary,
    }
  }
}
