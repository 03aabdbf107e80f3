import type { Kysely } from 'kysely'
import { runSqlScript } from '../sql-script.ts'

/**
 * Joint deployment: where shifts start (bases), the vehicles, shifts and who is on them, officers
 * rotating in from response teams, when it is safe to contact a victim, the visits each shift plans
 * and makes with their outcomes, the plan's history, and IDVA consultations.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    -- Average road speeds differ between town centres and lanes; the planner's default travel times use it.
    alter table area add column kind text not null default 'urban' check (kind in ('urban', 'suburban', 'rural'));

    create table deployment_base (
      id uuid primary key default gen_random_uuid(),
      agency_id uuid not null references agency(id),
      name text not null,
      area text not null references area(name),
      latitude double precision not null check (latitude between -90 and 90),
      longitude double precision not null check (longitude between -180 and 180),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      unique (agency_id, name)
    );

    create table vehicle (
      id uuid primary key default gen_random_uuid(),
      agency_id uuid not null references agency(id),
      call_sign text not null,
      registration text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      unique (agency_id, call_sign)
    );

    create table shift (
      id uuid primary key default gen_random_uuid(),
      team_id uuid not null references team(id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      base_id uuid not null references deployment_base(id),
      vehicle_id uuid references vehicle(id),
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      cancelled_at timestamptz,
      check (ends_at > starts_at)
    );
    create index shift_starts on shift (starts_at);
    create index shift_team_starts on shift (team_id, starts_at);

    create table shift_member (
      shift_id uuid not null references shift(id) on delete cascade,
      user_id uuid not null references app_user(id),
      duty text not null check (duty in ('officer', 'idva')),
      primary key (shift_id, user_id)
    );
    create index shift_member_user on shift_member (user_id);

    -- A response officer's period with the programme, so it can say how many officers have served.
    create table rotation (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references app_user(id),
      home_team text not null,
      starts_on date not null,
      ends_on date,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      check (ends_on is null or ends_on >= starts_on)
    );
    create index rotation_user on rotation (user_id, starts_on);

    -- When it is safe to contact the victim of an incident: weekly windows, and whether only while
    -- the suspect is in custody. No rows and the flag off: any time in a shift.
    create table safe_contact (
      incident_id uuid primary key references incident(id),
      only_while_suspect_in_custody boolean not null default false,
      notes text,
      updated_by uuid references app_user(id),
      updated_at timestamptz not null
    );
    create table safe_contact_window (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references safe_contact(incident_id) on delete cascade,
      weekday smallint not null check (weekday between 1 and 7),
      start_minute integer not null check (start_minute between 0 and 1439),
      end_minute integer not null check (end_minute between 1 and 1440),
      check (end_minute > start_minute)
    );
    create index safe_contact_window_incident on safe_contact_window (incident_id);

    create table visit (
      id uuid primary key default gen_random_uuid(),
      shift_id uuid not null references shift(id),
      incident_id uuid not null references incident(id),
      kind text not null check (kind in ('post_incident', 'follow_up', 'live')),
      -- 'lapsed': still planned when its shift ended or was cancelled; the victim is a candidate again.
      status text not null default 'planned' check (status in ('planned', 'completed', 'lapsed')),
      position integer not null,
      option_label text not null,
      planned_arrival timestamptz not null,
      planned_start timestamptz not null,
      planned_end timestamptz not null,
      travel_minutes real not null,
      pinned boolean not null default false,
      -- The team's own order (a reorder): visits with a rank keep that relative order when re-planned.
      fixed_rank integer,
      chosen_because text not null,
      dispatched_by uuid references app_user(id),
      dispatched_at timestamptz,
      outcome text check (outcome in ('seen', 'not_at_home', 'unsafe_to_engage', 'declined', 'rescheduled')),
      outcome_notes text,
      follow_up_after timestamptz,
      outcome_at timestamptz,
      outcome_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      check ((status = 'completed') = (outcome is not null))
    );
    -- One team at a time: an incident is planned on at most one shift.
    create unique index visit_one_planned on visit (incident_id) where status = 'planned';
    create index visit_shift on visit (shift_id, position);
    create index visit_incident on visit (incident_id, outcome_at);

    -- Candidates a team dropped from one shift's plan.
    create table shift_drop (
      shift_id uuid not null references shift(id) on delete cascade,
      incident_id uuid not null references incident(id),
      reason text not null,
      dropped_by uuid references app_user(id),
      dropped_at timestamptz not null,
      primary key (shift_id, incident_id)
    );

    -- What the latest plan left out and why, replaced at each re-plan.
    create table plan_exclusion (
      shift_id uuid not null references shift(id) on delete cascade,
      incident_id uuid not null references incident(id),
      reason text not null,
      detail text not null,
      primary key (shift_id, incident_id)
    );

    -- Each plan and re-plan: why it was made and what it changed (the cost of a team's choice).
    create table plan_revision (
      id uuid primary key default gen_random_uuid(),
      seq bigint generated always as identity,
      shift_id uuid not null references shift(id) on delete cascade,
      made_at timestamptz not null,
      made_by uuid references app_user(id),
      cause text not null,
      score real not null,
      changes jsonb not null,
      travel_source text not null,
      warnings jsonb not null default '[]'
    );
    create index plan_revision_shift on plan_revision (shift_id, seq desc);

    create table consultation (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incident(id),
      requested_by uuid not null references app_user(id),
      requested_at timestamptz not null,
      question text not null,
      answered_by uuid references app_user(id),
      answered_at timestamptz,
      advice text,
      minutes_taken integer check (minutes_taken between 1 and 600),
      check ((answered_at is null) = (advice is null))
    );
    create index consultation_incident on consultation (incident_id, requested_at desc);
    create index consultation_open on consultation (requested_at) where answered_at is null;
    `,
  )
}
