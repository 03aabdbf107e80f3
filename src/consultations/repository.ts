import type { Queryable } from '../db/database.ts'
import { scopeWhere } from '../access/repository.ts'
import type { ScopeFilter } from '../access/rules.ts'

function withNames(db: Queryable) {
  return db
    .selectFrom('consultation as c')
    .innerJoin('incident as i', 'i.id', 'c.incident_id')
    .innerJoin('app_user as r', 'r.id', 'c.requested_by')
    .leftJoin('app_user as a', 'a.id', 'c.answered_by')
    .select([
      'c.id',
      'c.incident_id',
      'i.force_reference',
      'i.area',
      'c.requested_at',
      'c.question',
      'r.display_name as requested_by_name',
      'c.answered_at',
      'c.advice',
      'c.minutes_taken',
      'a.display_name as answered_by_name',
    ])
}

export type ConsultationRow = Awaited<ReturnType<typeof forIncident>>[number]

export function forIncident(db: Queryable, incidentId: string) {
  return withNames(db).where('c.incident_id', '=', incidentId).orderBy('c.requested_at', 'desc').execute()
}

export function findConsultation(db: Queryable, id: string) {
  return withNames(db).where('c.id', '=', id).executeTakeFirst()
}

/** Open requests oldest first, then those answered since `answeredSince`, in the reader's scope. */
export function listForAnswering(db: Queryable, f: { scope: ScopeFilter; answeredSince: Date }) {
  return withNames(db)
    .where(scopeWhere(f.scope, 'i'))
    .where((eb) => eb.or([eb('c.answered_at', 'is', null), eb('c.answered_at', '>=', f.answeredSince)]))
    .orderBy(({ eb }) => eb('c.answered_at', 'is', null), 'desc')
    .orderBy('c.requested_at')
    .limit(200)
    .execute()
}

export async function insertConsultation(
  db: Queryable,
  c: { incidentId: string; requestedBy: string; at: Date; question: string },
): Promise<string> {
  const row = await db
    .insertInto('consultation')
    .values({ incident_id: c.incidentId, requested_by: c.requestedBy, requested_at: c.at, question: c.question })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Answers an open request; false when it was answered meanwhile. */
export async function answer(
  db: Queryable,
  a: { id: string; by: string; at: Date; advice: string; minutesTaken: number },
): Promise<boolean> {
  const r = await db
    .updateTable('consultation')
    .set({ answered_by: a.by, answered_at: a.at, advice: a.advice, minutes_taken: a.minutesTaken })
    .where('id', '=', a.id)
    .where('answered_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}
