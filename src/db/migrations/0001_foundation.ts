import type { Kysely } from 'kysely'
import { runSqlScript } from '../sql-script.ts'

/**
 * Agencies, users and roles, sessions and API tokens, areas, incidents with their people
 * and custody episodes, triage decisions, imports and the append-only audit log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    create table agency (
      id uuid primary key default gen_random_uuid(),
      code text not null unique,
      name text not null,
      kind text not null check (kind in ('police', 'nhs', 'third_sector', 'local_authority')),
      created_at timestamptz not null default now()
    );

    create table app_user (
      id uuid primary key default gen_random_uuid(),
      username text not null unique check (username = lower(username)),
      display_name text not null,
      agency_id uuid not null references agency(id),
      password_hash text,
      is_service_account boolean not null default false,
      disabled_at timestamptz,
      created_at timestamptz not null default now()
    );

    create table user_role (
      user_id uuid not null references app_user(id) on delete cascade,
      role text not null check (role in ('response_officer', 'detective_sergeant', 'op_provide_officer',
        'health_idva', 'safeguarding_officer', 'marac_coordinator', 'analyst', 'administrator')),
      primary key (user_id, role)
    );

    -- The session id is stored as a SHA-256 hash so a database read does not yield live cookies.
    create table user_session (
      id_hash text primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz
    );
    create index user_session_user on user_session (user_id);

    create table api_token (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references app_user(id) on delete cascade,
      name text not null,
      token_hash text not null unique,
      prefix text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      last_used_at timestamptz
    );

    create table area (
      name text primary key,
      active boolean not null default true
    );

    create table setting (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );

    create table import_job (
      id uuid primary key default gen_random_uuid(),
      kind text not null,
      filename text not null,
      mode text not null check (mode in ('all_or_nothing', 'valid_only')),
      status text not null check (status in ('validating', 'importing', 'completed', 'rejected', 'failed')),
      total_rows integer not null default 0,
      processed_rows integer not null default 0,
      imported_rows integer not null default 0,
      duplicate_rows integer not null default 0,
      error_rows integer not null default 0,
      errors jsonb not null default '[]',
      failure text,
      created_by uuid references app_user(id),
      started_at timestamptz not null,
      finished_at timestamptz
    );

    create table incident (
      id uuid primary key default gen_random_uuid(),
      force_reference text not null unique,
      reported_at timestamptz not null,
      occurred_at timestamptz not null,
      address text not null,
      postcode text not null,
      area text not null references area(name),
      latitude double precision,
      longitude double precision,
      address_key text not null,
      risk_tool text not null,
      risk_answers jsonb,
      risk_level_assessed text not null check (risk_level_assessed in ('standard', 'medium', 'high')),
      judgement_level text check (judgement_level in ('standard', 'medium', 'high')),
      judgement_reason text,
      risk_level text not null check (risk_level in ('standard', 'medium', 'high')),
      additional_vulnerabilities boolean not null,
      vulnerability_notes text,
      health_needs boolean not null,
      health_needs_notes text,
      children_present boolean not null,
      summary text,
      prior_same_people_12m integer not null default 0,
      prior_same_address_12m integer not null default 0,
      triage_status text not null default 'undecided' check (triage_status in
        ('undecided', 'attend', 'attend_live', 'consultation', 'not_for_programme')),
      source text not null check (source in ('api', 'csv', 'form', 'demo')),
      import_id uuid references import_job(id),
      created_by uuid references app_user(id),
      created_at timestamptz not null default now()
    );
    create index incident_reported_at on incident (reported_at desc);
    create index incident_address_key on incident (address_key, reported_at);
    create index incident_area_reported on incident (area, reported_at desc);

    create table incident_person (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incident(id) on delete cascade,
      position smallint not null,
      role text not null check (role in ('victim', 'suspect', 'child', 'other')),
      first_name text not null,
      last_name text not null,
      date_of_birth date,
      address text,
      postcode text,
      phone text,
      nhs_number text,
      -- Exact identity key (names + date of birth) used only to count repeat incidents;
      -- no record is ever merged on it.
      person_key text,
      unique (incident_id, position)
    );
    create index incident_person_key on incident_person (person_key) where person_key is not null;

    create table custody_episode (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incident(id) on delete cascade,
      person_id uuid not null references incident_person(id) on delete cascade,
      arrested_at timestamptz not null,
      expected_release_at timestamptz,
      released_at timestamptz
    );
    create index custody_episode_incident on custody_episode (incident_id);
    create index custody_episode_open on custody_episode (expected_release_at) where released_at is null;

    create table triage_decision (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incident(id) on delete cascade,
      decision text not null check (decision in ('attend', 'attend_live', 'consultation', 'not_for_programme')),
      reason_code text not null,
      reason_text text,
      decided_by uuid not null references app_user(id),
      decided_at timestamptz not null
    );
    create index triage_decision_incident on triage_decision (incident_id, decided_at desc);

    create table audit_event (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      request_id text,
      user_id uuid,
      username text,
      agency_id uuid,
      roles text[] not null default '{}',
      action text not null,
      record_type text not null,
      record_id text,
      fields text[] not null default '{}',
      details jsonb not null default '{}'
    );
    create index audit_event_record on audit_event (record_type, record_id, at);

    -- Append-only: history that can be rewritten is no audit trail.
    create function audit_event_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_event is append-only';
    end $$;
    create trigger audit_event_no_change before update or delete on audit_event
      for each statement execute function audit_event_immutable();
  `,
  )
}

export async function down(): Promise<void> {
  throw new Error('The foundation migration cannot be reversed')
}
