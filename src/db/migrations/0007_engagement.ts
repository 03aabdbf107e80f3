import type { Kysely } from 'kysely'
import { runSqlScript } from '../sql-script.ts'

/**
 * The IDVA's engagement tracker: one row per contact with a victim, one column per field of
 * `src/engagement/tracker.ts` (evaluators query them at national scale). A draft keeps what was
 * entered so far, unvalidated, in `draft`; submitting validates it and fills the columns. Codes are
 * checked by the application, so adding a code needs no migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    create table tracker_contact (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incident(id),
      person_id uuid not null references incident_person(id),
      visit_id uuid references visit(id),
      status text not null check (status in ('draft', 'submitted')),
      draft jsonb,
      mode text,
      contact_at timestamptz,
      place text,
      place_other text,
      idva_present boolean,
      officer_present boolean,
      others_present text,
      support_offered text[],
      support_notes text,
      engaged_investigation text,
      engaged_investigation_reason text,
      engaged_safeguarding text,
      engaged_safeguarding_reason text,
      previous_investigation text,
      previous_safeguarding text,
      children_count integer,
      children_needs text,
      consent_to_share text,
      share_with text[],
      created_by uuid not null references app_user(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      submitted_at timestamptz,
      check (status = 'draft' or (draft is null and mode is not null and contact_at is not null
        and place is not null and idva_present is not null and officer_present is not null
        and support_offered is not null and engaged_investigation is not null
        and engaged_safeguarding is not null and children_count is not null
        and consent_to_share is not null and share_with is not null and submitted_at is not null))
    );
    create index tracker_contact_incident on tracker_contact (incident_id, contact_at desc);
    create index tracker_contact_person on tracker_contact (person_id);
    create index tracker_contact_submitted on tracker_contact (contact_at) where status = 'submitted';
    create index tracker_contact_drafts on tracker_contact (created_by, updated_at desc) where status = 'draft';
    `,
  )
}
