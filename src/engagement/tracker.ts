import { z } from 'zod'
import type { FieldIssue } from '../common/errors.ts'

/**
 * The IDVA's engagement tracker: one record per contact with a victim. Evaluators analyse these
 * fields (the programme's published outcomes came from them), so their names and codes are stable:
 * `TRACKER_FIELDS` is the one definition, and `docs/data-dictionary.md` documents every field
 * (a test checks the two agree). Add codes; never rename or reuse one.
 */

export const CONTACT_MODES = {
  live: 'Live incident (attended with the response)',
  post_incident: 'Post-incident visit',
  consultation: 'Consultation (advice to an officer)',
} as const
export type ContactMode = keyof typeof CONTACT_MODES

export const CONTACT_PLACES = {
  home: 'Home',
  custody_window: 'At home while the suspect is in custody',
  gp: 'GP surgery',
  dental: 'Dental practice',
  hospital: 'Hospital',
  other_safe_place: 'Other safe place',
} as const
export type ContactPlace = keyof typeof CONTACT_PLACES

/** The support a health IDVA offers (the programme's own list). */
export const SUPPORT_OFFERED = {
  risk_assessment: 'Immediate risk assessment',
  safety_planning: 'Safety planning',
  emotional_support: 'Emotional support',
  information_signposting: 'Information and signposting',
  criminal_justice_advocacy: 'Criminal-justice advocacy',
  social_welfare: 'Social welfare',
  other: 'Other',
} as const
export type SupportCode = keyof typeof SUPPORT_OFFERED

export const ENGAGEMENT_ANSWERS = { yes: 'Yes', no: 'No', not_asked: 'Not asked' } as const
export type Engagement = keyof typeof ENGAGEMENT_ANSWERS

/** What a repeat victim says of their engagement before the programme. */
export const PREVIOUS_ANSWERS = { yes: 'Yes', no: 'No', not_known: 'Not known' } as const
export type PreviousEngagement = keyof typeof PREVIOUS_ANSWERS

export const CONSENT_ANSWERS = { yes: 'Yes', no: 'No', not_asked: 'Not asked' } as const
export type Consent = keyof typeof CONSENT_ANSWERS

/** Agencies a victim may consent to share information with. */
export const SHARE_WITH = {
  police: 'Police',
  health: 'Health services',
  childrens_services: "Children's services",
  housing: 'Housing',
  third_sector: 'Third-sector support (for example Women’s Aid)',
  marac: 'MARAC',
} as const
export type ShareWith = keyof typeof SHARE_WITH

interface FieldDefinition {
  name: string
  label: string
  type: 'date-time' | 'code' | 'codes' | 'text' | 'integer' | 'boolean'
  codes?: Record<string, string>
  required: 'always' | 'when' | 'optional'
  /** When `required` is 'when', or anything an analyst must know. */
  notes?: string
}

/** Every tracker field, in form order: the data dictionary's source. */
export const TRACKER_FIELDS = [
  { name: 'mode', label: 'Mode of contact', type: 'code', codes: CONTACT_MODES, required: 'always' },
  {
    name: 'contactAt',
    label: 'Date and time of the contact',
    type: 'date-time',
    required: 'always',
    notes: 'UK local time as entered; stored as an instant. Not in the future.',
  },
  { name: 'place', label: 'Where', type: 'code', codes: CONTACT_PLACES, required: 'always' },
  {
    name: 'placeOther',
    label: 'Where, if another safe place',
    type: 'text',
    required: 'when',
    notes: 'Required when place is other_safe_place. No addresses.',
  },
  { name: 'idvaPresent', label: 'A health IDVA attended', type: 'boolean', required: 'always' },
  { name: 'officerPresent', label: 'A police officer attended', type: 'boolean', required: 'always' },
  { name: 'othersPresent', label: 'Who else attended (roles, not names)', type: 'text', required: 'optional' },
  {
    name: 'supportOffered',
    label: 'Support offered',
    type: 'codes',
    codes: SUPPORT_OFFERED,
    required: 'always',
    notes: 'One or more. Evaluators count each code separately.',
  },
  {
    name: 'supportNotes',
    label: 'Notes on the support offered',
    type: 'text',
    required: 'when',
    notes: 'Required when supportOffered includes other. Free text: removed from pseudonymised exports.',
  },
  {
    name: 'engagedInvestigation',
    label: 'Engaged with the criminal investigation',
    type: 'code',
    codes: ENGAGEMENT_ANSWERS,
    required: 'always',
    notes: 'Outcome measure: "yes" over all contacts where asked.',
  },
  {
    name: 'engagedInvestigationReason',
    label: 'Why the investigation question was not asked',
    type: 'text',
    required: 'when',
    notes: 'Required when engagedInvestigation is not_asked.',
  },
  {
    name: 'engagedSafeguarding',
    label: 'Engaged with safeguarding advice',
    type: 'code',
    codes: ENGAGEMENT_ANSWERS,
    required: 'always',
    notes: 'Outcome measure: "yes" over all contacts where asked.',
  },
  {
    name: 'engagedSafeguardingReason',
    label: 'Why the safeguarding question was not asked',
    type: 'text',
    required: 'when',
    notes: 'Required when engagedSafeguarding is not_asked.',
  },
  {
    name: 'previousInvestigation',
    label: 'Self-reported previous engagement with investigations',
    type: 'code',
    codes: PREVIOUS_ANSWERS,
    required: 'when',
    notes:
      'Repeat victims only (the victim, by exact identity key, was a victim on another incident in the 12 months before this one): required for them, empty for others. The pre/post comparison uses it.',
  },
  {
    name: 'previousSafeguarding',
    label: 'Self-reported previous engagement with safeguarding advice',
    type: 'code',
    codes: PREVIOUS_ANSWERS,
    required: 'when',
    notes: 'As previousInvestigation.',
  },
  { name: 'childrenCount', label: 'Children in the household', type: 'integer', required: 'always' },
  {
    name: 'childrenNeeds',
    label: "Children's needs",
    type: 'text',
    required: 'optional',
    notes: 'Only when childrenCount is above 0. Free text: removed from pseudonymised exports.',
  },
  {
    name: 'consentToShare',
    label: 'Consent to share information',
    type: 'code',
    codes: CONSENT_ANSWERS,
    required: 'always',
  },
  {
    name: 'shareWith',
    label: 'Consented to share with',
    type: 'codes',
    codes: SHARE_WITH,
    required: 'when',
    notes: 'One or more when consentToShare is yes; empty otherwise.',
  },
] as const satisfies readonly FieldDefinition[]

export type TrackerFieldName = (typeof TRACKER_FIELDS)[number]['name']

const codes = <T extends Record<string, string>>(table: T, message: string) =>
  z.enum(Object.keys(table) as [keyof T & string, ...(keyof T & string)[]], { error: message })
const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .optional()
    .transform((v) => v || null)

/** One contact as entered: field by field; the cross-field rules are `trackerIssues`. */
export const trackerSchema = z.strictObject({
  mode: codes(CONTACT_MODES, 'Choose the mode of contact'),
  contactAt: z.iso
    .datetime({ offset: true, error: 'Enter the date and time of the contact' })
    .transform((v) => new Date(v)),
  place: codes(CONTACT_PLACES, 'Choose where the contact took place'),
  placeOther: text(200, 'The place'),
  idvaPresent: z.boolean({ error: 'Say whether a health IDVA attended' }),
  officerPresent: z.boolean({ error: 'Say whether a police officer attended' }),
  othersPresent: text(500, 'Who else attended'),
  supportOffered: z
    .array(codes(SUPPORT_OFFERED, 'Choose the support offered from the list'))
    .min(1, 'Choose the support offered, at least one')
    .transform((v) => [...new Set(v)]),
  supportNotes: text(4000, 'Notes on the support'),
  engagedInvestigation: codes(ENGAGEMENT_ANSWERS, 'Say whether the victim engaged with the investigation'),
  engagedInvestigationReason: text(500, 'The reason'),
  engagedSafeguarding: codes(ENGAGEMENT_ANSWERS, 'Say whether the victim engaged with safeguarding advice'),
  engagedSafeguardingReason: text(500, 'The reason'),
  previousInvestigation: codes(PREVIOUS_ANSWERS, 'Choose yes, no or not known').nullable().optional(),
  previousSafeguarding: codes(PREVIOUS_ANSWERS, 'Choose yes, no or not known').nullable().optional(),
  childrenCount: z
    .number({ error: 'Enter the number of children in the household, 0 if none' })
    .int('Enter a whole number of children')
    .min(0, 'Enter 0 or more children')
    .max(20, 'Enter 20 children or fewer'),
  childrenNeeds: text(2000, "The children's needs"),
  consentToShare: codes(CONSENT_ANSWERS, 'Say whether the victim consented to share information'),
  shareWith: z
    .array(codes(SHARE_WITH, 'Choose who the victim consented to share with from the list'))
    .default([])
    .transform((v) => [...new Set(v)]),
})
export type TrackerInput = z.input<typeof trackerSchema>
export type TrackerRecord = z.output<typeof trackerSchema>

/** What the rules need to know of the victim and the moment. */
export interface TrackerFacts {
  /**
   * The victim was a victim on another incident in the 12 months before this one; null while it is
   * not known whom the contact was with (which is then the problem to fix).
   */
  repeatVictim: boolean | null
  now: Date
}

/**
 * The rules between fields, each with a message at the field to fix. A rule runs when the fields it
 * reads are valid, so it also runs on a partial record (the valid fields of a refused one): a field
 * missing from it already has its own problem.
 */
export function trackerIssues(r: Partial<TrackerRecord>, facts: TrackerFacts): FieldIssue[] {
  const issues: FieldIssue[] = []
  const need = <K extends TrackerFieldName>(
    reads: K[],
    path: TrackerFieldName,
    ok: (v: Pick<TrackerRecord, K>) => boolean,
    message: string,
  ) => {
    if (reads.every((k) => r[k] !== undefined) && !ok(r as Pick<TrackerRecord, K>)) issues.push({ path, message })
  }
  need(['contactAt'], 'contactAt', (v) => v.contactAt <= facts.now, 'The contact cannot be in the future')
  need(
    ['place', 'placeOther'],
    'placeOther',
    (v) => v.place !== 'other_safe_place' || v.placeOther !== null,
    'Say what the safe place was (no address)',
  )
  need(
    ['idvaPresent', 'mode'],
    'idvaPresent',
    (v) => v.idvaPresent || v.mode === 'consultation',
    'A visit is recorded by the IDVA who attended',
  )
  need(
    ['supportOffered', 'supportNotes'],
    'supportNotes',
    (v) => !v.supportOffered.includes('other') || v.supportNotes !== null,
    'Describe the other support',
  )
  need(
    ['engagedInvestigation', 'engagedInvestigationReason'],
    'engagedInvestigationReason',
    (v) => v.engagedInvestigation !== 'not_asked' || v.engagedInvestigationReason !== null,
    'Say why the victim was not asked about the investigation',
  )
  need(
    ['engagedSafeguarding', 'engagedSafeguardingReason'],
    'engagedSafeguardingReason',
    (v) => v.engagedSafeguarding !== 'not_asked' || v.engagedSafeguardingReason !== null,
    'Say why the victim was not asked about safeguarding advice',
  )
  // Left out is a valid answer here (no answer), so these read no field that must be there.
  for (const field of ['previousInvestigation', 'previousSafeguarding'] as const) {
    const given = r[field] !== null && r[field] !== undefined
    if (facts.repeatVictim)
      need([], field, () => given, 'Ask a repeat victim about their engagement before (or choose not known)')
    else if (facts.repeatVictim === false) need([], field, () => !given, 'Only for repeat victims: leave this empty')
  }
  need(
    ['childrenCount', 'childrenNeeds'],
    'childrenNeeds',
    (v) => v.childrenCount > 0 || v.childrenNeeds === null,
    "Children's needs only when there are children",
  )
  need(
    ['consentToShare', 'shareWith'],
    'shareWith',
    (v) => v.consentToShare !== 'yes' || v.shareWith.length > 0,
    'Choose who the victim consented to share information with',
  )
  need(
    ['consentToShare', 'shareWith'],
    'shareWith',
    (v) => v.consentToShare === 'yes' || v.shareWith.length === 0,
    'Only with consent: leave who to share with empty',
  )
  return issues
}

const fieldOrder = (path: string) => TRACKER_FIELDS.findIndex((f) => f.name === path.split('.')[0])

/**
 * Every problem with a contact as entered, at once and in form order: each field's own, then the
 * rules between the fields that are valid, none at a field that already has a problem.
 */
export function checkTracker(
  input: unknown,
  facts: TrackerFacts,
): { ok: true; record: TrackerRecord } | { ok: false; issues: FieldIssue[] } {
  const parsed = trackerSchema.safeParse(input)
  if (parsed.success) {
    const issues = trackerIssues(parsed.data, facts)
    return issues.length ? { ok: false, issues } : { ok: true, record: parsed.data }
  }
  const own = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  const reported = new Set(own.map((i) => i.path.split('.')[0]))
  const valid: Record<string, unknown> = {}
  if (typeof input === 'object' && input !== null)
    for (const [name, schema] of Object.entries(trackerSchema.shape)) {
      const field = schema.safeParse((input as Record<string, unknown>)[name])
      if (field.success) valid[name] = field.data
    }
  const between = trackerIssues(valid, facts).filter((i) => !reported.has(i.path))
  return { ok: false, issues: [...own, ...between].sort((a, b) => fieldOrder(a.path) - fieldOrder(b.path)) }
}
