import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Services } from '../server/app.ts'
import { findUserByUsername } from '../auth/repository.ts'
import { toActor } from '../auth/service.ts'
import { NHS_NUMBER_SYSTEM } from '../health/fhir-appointments.ts'
import { localMidnight, localParts, zonedWallTimeToInstant } from '../common/uk-time.ts'

/**
 * The victim's record on the demo: for the highest-priority victims the sergeant sent the team to,
 * safe-contact details, a contact the IDVA recorded with actions and referrals raised from it, a
 * hand-over waiting for the safeguarding team, and NHS appointments imported from a FHIR bundle, all
 * made through the services as the demo users, so every page has something to show.
 */
export async function seedDemoVictimRecord(
  db: Database,
  clock: Clock,
  services: Pick<Services, 'engagement' | 'safeguarding' | 'health' | 'deployment'>,
): Promise<void> {
  const as = async (username: string) => toActor((await findUserByUsername(db, username))!, 'session', null)
  const [idva, officer] = [await as('idva'), await as('provide-officer')]
  const now = clock.now()
  const victims = await db
    .selectFrom('incident as i')
    .innerJoin('incident_person as p', (j) => j.onRef('p.incident_id', '=', 'i.id').on('p.role', '=', 'victim'))
    .select(['i.id as incidentId', 'p.id as victimId', 'p.nhs_number', 'i.children_present'])
    .where('i.triage_status', '=', 'attend')
    .where('i.area', 'in', ['Blackpool', 'Fylde', 'Wyre'])
    .orderBy('i.occurred_at', 'desc')
    .limit(3)
    .execute()
  const [first, second] = victims
  if (!first) return

  await services.deployment.setSafeContact(idva, first.victimId, {
    methods: ['text'],
    onlyWhileSuspectInCustody: false,
    windows: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 600, endMinute: 720 })),
    notes: 'Text first and wait for a reply. Never when he is home; her sister answers the door.',
  })
  // The tracker asks repeat victims about their engagement before the programme: answer if asked.
  const { victim } = await services.engagement.form(idva, first.incidentId, { personId: first.victimId })
  await services.engagement.submit(idva, first.incidentId, {
    personId: first.victimId,
    values: {
      mode: 'post_incident',
      contactAt: now.toISOString(),
      place: 'home',
      idvaPresent: true,
      officerPresent: true,
      supportOffered: ['risk_assessment', 'safety_planning', 'emotional_support'],
      supportNotes: 'Safety plan agreed; she will keep her phone charged and by the bed.',
      engagedInvestigation: 'yes',
      engagedSafeguarding: 'yes',
      childrenCount: first.children_present ? 2 : 0,
      ...(first.children_present ? { childrenNeeds: 'Both at the primary school; the school knows.' } : {}),
      ...(victim?.repeat ? { previousInvestigation: 'no', previousSafeguarding: 'yes' } : {}),
      consentToShare: 'yes',
      shareWith: ['police', 'third_sector'],
    },
  })
  await services.safeguarding.raise(idva, first.victimId, {
    kind: 'police_alarm',
    details: 'Alarm linked to the control room; she asked for it at the visit.',
  })
  await services.safeguarding.raise(idva, first.victimId, {
    kind: 'third_sector',
    referredTo: 'Women’s Aid Blackpool (demo)',
    details: 'Outreach support; she agreed to a call from them.',
  })
  await services.safeguarding.handOver(officer, first.victimId, {
    teamId: (
      await db
        .selectFrom('team')
        .select('id')
        .where('name', '=', 'Safeguarding: West division')
        .executeTakeFirstOrThrow()
    ).id,
    summary:
      'Seen at home with the IDVA. Safety plan agreed, alarm and Women’s Aid referral requested. Text only, weekdays 10:00-12:00.',
  })
  if (second) {
    await services.safeguarding.raise(officer, second.victimId, {
      kind: 'target_hardening',
      details: 'Door and window locks; the back door does not close.',
    })
  }

  // Appointments arrive as a FHIR R4 Bundle, as an EPR would send them.
  const withNhs = victims.filter((v) => v.nhs_number)
  if (withNhs.length === 0) return
  // In the coming days, at times a clinic would book (UK local time).
  const kinds = [
    {
      display: 'General Practice',
      code: '17',
      minutes: 15,
      at: 10 * 60 + 30,
      place: 'Whitegate Drive Health Centre (demo)',
    },
    { display: 'Dental', code: '10', minutes: 30, at: 14 * 60 + 15, place: 'Waterloo Road Dental Practice (demo)' },
    {
      display: 'Specialist Medical',
      code: '27',
      minutes: 45,
      at: 9 * 60 + 40,
      place: 'Victoria Hospital outpatients (demo)',
    },
  ]
  await services.health.importBundle(idva, {
    fileName: 'demo-appointments.json',
    json: {
      resourceType: 'Bundle',
      type: 'collection',
      entry: withNhs.map((v, n) => {
        const kind = kinds[n % kinds.length]!
        const { year, month, day } = localParts(localMidnight(now, n + 1))
        const start = zonedWallTimeToInstant({ year, month, day, hour: Math.floor(kind.at / 60), minute: kind.at % 60 })
        return {
          fullUrl: `urn:uuid:00000000-0000-4000-8000-00000000000${n}`,
          resource: {
            resourceType: 'Appointment',
            id: `demo-appointment-${n}`,
            status: 'booked',
            serviceCategory: [
              {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/service-category',
                    code: kind.code,
                    display: kind.display,
                  },
                ],
              },
            ],
            start: start.toISOString(),
            end: new Date(start.getTime() + kind.minutes * 60_000).toISOString(),
            participant: [
              {
                actor: {
                  reference: `Patient/demo-${n}`,
                  identifier: { system: NHS_NUMBER_SYSTEM, value: v.nhs_number },
                },
                status: 'accepted',
              },
              { actor: { type: 'Location', display: kind.place }, status: 'accepted' },
            ],
          },
        }
      }),
    },
  })
}
