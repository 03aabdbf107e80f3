import type { Kysely } from 'kysely'
import { runSqlScript } from '../sql-script.ts'

/**
 * The access model's data: the information-governance role, teams and the areas they cover,
 * information-sharing agreements between agencies, which agency owns each incident, and
 * break-glass grants awaiting review.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    alter table user_role drop constraint user_role_role_check;
    alter table user_role add constraint user_role_role_check check (role in ('response_officer',
      'detective_sergeant', 'op_provide_officer', 'health_idva', 'safeguarding_officer', 'marac_coordinator',
      'analyst', 'administrator', 'information_governance'));

    create table team (
      id uuid primary key default gen_random_uuid(),
      agency_id uuid not null references agency(id),
      name text not null,
      created_at timestamptz not null default now(),
      unique (agency_id, name)
    );

    create table team_area (
      team_id uuid not null references team(id) on delete cascade,
      area text not null references area(name),
      primary key (team_id, area)
    );

    create table team_member (
      team_id uuid not null references team(id) on delete cascade,
      user_id uuid not null references app_user(id) on delete cascade,
      primary key (team_id, user_id)
    );
    create index team_member_user on team_member (user_id);

    -- An information-sharing agreement: staff of the partner agency may see the owner's records
    -- of this kind as if they were their own agency's (within what their roles allow).
    create table agency_share (
      owner_agency_id uuid not null references agency(id) on delete cascade,
      partner_agency_id uuid not null references agency(id) on delete cascade,
      resource text not null,
      created_at timestamptz not null default now(),
      primary key (owner_agency_id, partner_agency_id, resource),
      check (owner_agency_id <> partner_agency_id)
    );
    create index agency_share_partner on agency_share (partner_agency_id, resource);

    alter table incident add column owner_agency_id uuid references agency(id);
    update incident i set owner_agency_id = coalesce(
      (select u.agency_id from app_user u where u.id = i.created_by),
      (select a.id from agency a where a.kind = 'police' order by a.created_at, a.code limit 1));
    alter table incident alter column owner_agency_id set not null;
    create index incident_owner_reported on incident (owner_agency_id, reported_at desc);

    alter table import_job add column owner_agency_id uuid references agency(id);
    update import_job j set owner_agency_id = (select u.agency_id from app_user u where u.id = j.created_by);

    create table break_glass_grant (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references app_user(id),
      action text not null,
      resource text not null,
      record_id text not null,
      reason text not null,
      granted_at timestamptz not null,
      expires_at timestamptz not null,
      reviewed_at timestamptz,
      reviewed_by uuid references app_user(id),
      review_outcome text check (review_outcome in ('justified', 'not_justified')),
      review_notes text,
      check ((reviewed_at is null) = (review_outcome is null))
    );
    create index break_glass_grant_active on break_glass_grant (user_id, resource, record_id, expires_at desc);
    create index break_glass_grant_unreviewed on break_glass_grant (granted_at) where reviewed_at is null;

    -- Access logs filtered by date, agency or action alone, or by user; and finding a person by name.
    create index audit_event_at on audit_event (at, id);
    create index audit_event_username on audit_event (username, at);
    create index incident_person_name on incident_person (lower(last_name), lower(first_name));
  `,
  )
}

export async function down(): Promise<void> {
  throw new Error('Not reversible')
}
