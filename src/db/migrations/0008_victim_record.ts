import type { Kysely } from 'kysely'
import { runSqlScript } from '../sql-script.ts'

/**
 * The victim's record (issue 5, ADR 0006). A victim's case is every incident on which a victim has
 * the same identity key (`incident_person.person_key`), or the one incident when there is none;
 * rows below carry the victim's `person_id` and a copy of the key so a case is read with an index,
 * and the incident they were recorded on, through which access is checked.
 *
 * - Safe-contact details move from the incident to the victim, append-only (the latest wins, the
 *   history stays on the timeline), with how it is safe to contact them beside when.
 * - Safeguarding actions and referrals, each with an owner, a due date, a status and a history.
 * - Hand-overs from the joint team to a safeguarding team, accepted explicitly.
 * - NHS appointments imported from FHIR bundles, held by the health agency that imported them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    create table victim_safe_contact (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incident(id),
      person_id uuid not null references incident_person(id),
      person_key text,
      methods text[] not null default '{}',
      only_while_suspect_in_custody boolean not null default false,
      -- [{ "weekday": 1-7, "startMinute": 0-1439, "endMinute": 1-1440 }], UK local wall-clock times
      windows jsonb not null default '[]',
      notes text,
      recorded_by uuid references app_user(id),
      recorded_at timestamptz not null,
      -- Orders two details recorded in the same instant.
      seq serial not null
    );
    create index victim_safe_contact_person on victim_safe_contact (person_id, recorded_at desc, seq desc);
    create index victim_safe_contact_key on victim_safe_contact (person_key, recorded_at desc, seq desc)
      where person_key is not null;

    -- Each incident's details so far apply to every victim on it.
    insert into victim_safe_contact
      (incident_id, person_id, person_key, only_while_suspect_in_custody, windows, notes, recorded_by, recorded_at)
    select s.incident_id, p.id, p.person_key, s.only_while_suspect_in_custody,
      coalesce((select jsonb_agg(jsonb_build_object('weekday', w.weekday, 'startMinute', w.start_minute,
          'endMinute', w.end_minute) order by w.weekday, w.start_minute)
        from safe_contact_window w where w.incident_id = s.incident_id), '[]'::jsonb),
      s.notes, s.updated_by, s.updated_at
    from safe_contact s join incident_person p on p.incident_id = s.incident_id and p.role = 'victim';
    drop table safe_contact_window;
    drop table safe_contact;

    create table safeguarding_action (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incident(id),
      person_id uuid not null references incident_person(id),
      person_key text,
      kind text not null,
      details text,
      -- For referrals: the service referred to, e.g. a named Women's Aid branch.
      referred_to text,
      owner_agency_id uuid not null references agency(id),
      owner_team_id uuid references team(id),
      assignee_id uuid references app_user(id),
      due_on date not null,
      status text not null check (status in ('requested', 'accepted', 'in_progress', 'done', 'declined')),
      status_reason text,
      raised_by uuid not null references app_user(id),
      raised_at timestamptz not null,
      updated_at timestamptz not null,
      closed_at timestamptz,
      check ((status in ('done', 'declined')) = (closed_at is not null)),
      check (status <> 'declined' or status_reason is not null)
    );
    create index safeguarding_action_incident on safeguarding_action (incident_id);
    create index safeguarding_action_person on safeguarding_action (person_id);
    create index safeguarding_action_key on safeguarding_action (person_key) where person_key is not null;
    create index safeguarding_action_open_agency on safeguarding_action (owner_agency_id, due_on)
      where closed_at is null;
    create index safeguarding_action_open_team on safeguarding_action (owner_team_id, due_on)
      where closed_at is null and owner_team_id is not null;
    create index safeguarding_action_open_assignee on safeguarding_action (assignee_id, due_on)
      where closed_at is null and assignee_id is not null;

    -- Every change of status (the first row is the request), never updated or deleted.
    create table safeguarding_action_event (
      id uuid primary key default gen_random_uuid(),
      action_id uuid not null references safeguarding_action(id),
      status text not null,
      note text,
      by_user_id uuid not null references app_user(id),
      at timestamptz not null,
      seq serial not null
    );
    create index safeguarding_action_event_action on safeguarding_action_event (action_id, seq);

    create table handover (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incident(id),
      person_id uuid not null references incident_person(id),
      person_key text,
      to_team_id uuid not null references team(id),
      summary text not null,
      handed_by uuid not null references app_user(id),
      handed_at timestamptz not null,
      accepted_by uuid references app_user(id),
      accepted_at timestamptz,
      accept_note text,
      check ((accepted_by is null) = (accepted_at is null))
    );
    create index handover_incident on handover (incident_id);
    create index handover_person on handover (person_id);
    create index handover_key on handover (person_key) where person_key is not null;
    create index handover_waiting on handover (to_team_id, handed_at) where accepted_at is null;
    -- One hand-over of a person (across their incidents) waiting for a team, even when two of the
    -- joint team press the button at once. Per team, so another force's hand-over, which the team
    -- cannot see, never blocks its own.
    create unique index handover_one_waiting on handover ((coalesce(person_key, person_id::text)), to_team_id)
      where accepted_at is null;

    create table nhs_appointment_import (
      id uuid primary key default gen_random_uuid(),
      agency_id uuid not null references agency(id),
      file_name text,
      entries integer not null,
      appointments integer not null,
      ignored integer not null,
      imported_by uuid not null references app_user(id),
      imported_at timestamptz not null
    );

    create table nhs_appointment (
      id uuid primary key default gen_random_uuid(),
      -- The health agency that imported it: only its IDVAs (and agencies it shares health data with) see it.
      agency_id uuid not null references agency(id),
      import_id uuid not null references nhs_appointment_import(id),
      source_id text,
      nhs_number text not null,
      status text not null,
      start_at timestamptz not null,
      end_at timestamptz,
      setting text not null,
      description text,
      location_name text,
      location_address text,
      latitude double precision,
      longitude double precision,
      -- A discreet contact the IDVA plans at this appointment.
      contact_planned_by uuid references app_user(id),
      contact_planned_at timestamptz,
      contact_note text,
      updated_at timestamptz not null
    );
    create unique index nhs_appointment_source on nhs_appointment (agency_id, source_id) where source_id is not null;
    create index nhs_appointment_patient on nhs_appointment (nhs_number, start_at);
    create index incident_person_nhs_number on incident_person (nhs_number) where nhs_number is not null;

    -- Where a visit away from the incident's location takes place (a discreet contact an IDVA planned
    -- at an appointment): the map point, and where the team is after it. Null: the incident's location.
    alter table visit add column place_latitude double precision, add column place_longitude double precision,
      add constraint visit_place check ((place_latitude is null) = (place_longitude is null));

    -- A tracker contact links to the consultation it came from, as it does to the visit.
    alter table tracker_contact add column consultation_id uuid references consultation(id);

    -- The form a contact was submitted from: a second post of the same form (a double click, a
    -- retry) finds the contact already recorded instead of recording it twice.
    alter table tracker_contact add column submission_id uuid unique;
    `,
  )
}
