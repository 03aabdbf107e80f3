/** What a detective sergeant can decide for an incident, and the reasons they choose from. */
export const DECISIONS = ['attend', 'attend_live', 'consultation', 'not_for_programme'] as const
export type Decision = (typeof DECISIONS)[number]

export const DECISION_LABELS: Record<Decision, string> = {
  attend: 'Attend (post-incident visit)',
  attend_live: 'Attend live',
  consultation: 'Consultation only',
  not_for_programme: 'Not for the programme',
}

export const DECISION_REASONS = {
  high_risk: 'High risk',
  additional_vulnerabilities: 'Additional vulnerabilities',
  health_needs: 'Health needs',
  children: 'Children in the household',
  repeat_victimisation: 'Repeat victimisation or escalation',
  suspect_in_custody: 'Suspect in custody: safe window to engage',
  advice_to_officer: 'Officer needs safeguarding advice',
  already_supported: 'Victim already supported by another service',
  victim_declined: 'Victim has declined contact',
  out_of_area: 'Outside the programme area',
  no_capacity: 'No team capacity in time',
  low_risk_no_factors: 'Standard or medium risk with no additional factors',
  other: 'Other (explain)',
} as const
export type DecisionReason = keyof typeof DECISION_REASONS
export const DECISION_REASON_CODES = Object.keys(DECISION_REASONS) as DecisionReason[]

/**
 * A decision needs free text when its reason is "other", or when it goes against the eligibility
 * rules (an eligible incident judged not for the programme), so the record explains itself.
 */
export function decisionIssues(
  input: { decision: Decision; reasonCode: string; reasonText?: string | undefined },
  eligible: boolean,
): { path: string; message: string }[] {
  if (input.reasonText?.trim()) return []
  if (input.reasonCode === 'other')
    return [{ path: 'reasonText', message: 'Explain the reason when you choose "Other"' }]
  if (eligible && input.decision === 'not_for_programme') {
    return [
      {
        path: 'reasonText',
        message: 'This incident meets the criteria to attend: explain why it is not for the programme',
      },
    ]
  }
  return []
}
