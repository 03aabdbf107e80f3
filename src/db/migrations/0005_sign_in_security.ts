import type { Kysely } from 'kysely'
import { runSqlScript } from '../sql-script.ts'

/**
 * Sign-in security: sessions that wait for a second factor (or for the user to set one up),
 * TOTP secrets (encrypted by the app) with single-use recovery codes, and failed-attempt
 * counters that survive restarts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    -- Only 'complete' sessions are signed in; the others can reach only the second-factor pages.
    alter table user_session add column stage text not null default 'complete'
      check (stage in ('complete', 'second_factor', 'enrol'));
    alter table user_session add column factor_failures smallint not null default 0;

    -- One authenticator per user. The secret is AES-256-GCM ciphertext; confirmed_at is null
    -- while the user is still setting it up. last_used_step stops a code being used twice.
    create table user_totp (
      user_id uuid primary key references app_user(id) on delete cascade,
      secret_enc text not null,
      created_at timestamptz not null,
      confirmed_at timestamptz,
      last_used_step bigint
    );

    -- Recovery codes, stored as keyed hashes; each can be used once.
    create table user_recovery_code (
      user_id uuid not null references app_user(id) on delete cascade,
      code_hash text not null,
      created_at timestamptz not null,
      used_at timestamptz,
      primary key (user_id, code_hash)
    );

    -- Consecutive failed sign-ins per username typed (hashed, so unknown names are not kept).
    create table sign_in_throttle (
      key_hash text primary key,
      failures integer not null,
      last_failure_at timestamptz not null,
      locked_until timestamptz
    );
    create index sign_in_throttle_last_failure on sign_in_throttle (last_failure_at);
  `,
  )
}

export async function down(): Promise<void> {
  throw new Error('Not reversible')
}
