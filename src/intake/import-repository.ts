import type { Insertable, Updateable } from 'kysely'
import type { Queryable } from '../db/database.ts'
import { scopeWhere } from '../access/repository.ts'
import type { ScopeFilter } from '../access/rules.ts'
import type { ImportJobTable } from '../db/schema.ts'

export async function insertJob(db: Queryable, job: Insertable<ImportJobTable>): Promise<string> {
  const row = await db.insertInto('import_job').values(job).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function finishJob(db: Queryable, id: string, update: Updateable<ImportJobTable>): Promise<void> {
  await db.updateTable('import_job').set(update).where('id', '=', id).execute()
}

export async function findJob(db: Queryable, id: string) {
  return db.selectFrom('import_job').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listJobs(db: Queryable, limit: number, scope: ScopeFilter) {
  return db
    .selectFrom('import_job as j')
    .where(scopeWhere(scope, 'j'))
    .leftJoin('app_user as u', 'u.id', 'j.created_by')
    .select([
      'j.id',
      'j.filename',
      'j.mode',
      'j.status',
      'j.total_rows',
      'j.imported_rows',
      'j.duplicate_rows',
      'j.error_rows',
      'j.started_at',
      'j.finished_at',
      'u.display_name as created_by_name',
    ])
    .orderBy('j.started_at', 'desc')
    .limit(limit)
    .execute()
}
