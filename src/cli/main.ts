import { createWriteStream } from 'node:fs'
import { basename } from 'node:path'
import { Command, InvalidArgumentError } from 'commander'
import { stringify } from 'csv-stringify'
import { loadConfig } from '../config.ts'
import { openRuntime, type Runtime } from '../server/runtime.ts'
import { buildApp } from '../server/app.ts'
import { systemActor } from '../auth/actor.ts'
import { ROLES, type Role } from '../auth/roles.ts'
import { newSecret } from '../auth/tokens.ts'
import { seedDemoUsers, writeDemoIncidents, DEMO_USERS, DEMO_PASSWORD } from '../demo/seed.ts'
import { generateIncidents } from '../demo/generator.ts'
import { seedDemoDeployment } from '../demo/deployment.ts'
import { seedDemoVictimRecord } from '../demo/victim-record.ts'
import { INCIDENT_CSV_COLUMNS, incidentToCsvRecord } from '../intake/csv-format.ts'
import type { IncidentInput } from '../intake/incident-schema.ts'
import { systemClock } from '../common/clock.ts'
import { progressReporter } from './progress.ts'
import { SETTINGS, changeSetting, readSetting, type SettingKey } from '../settings/settings.ts'
import { anchorOption, auditVerifyCommand } from '../audit/verify-command.ts'

const int =
  (name: string, min = 0) =>
  (value: string) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}`)
    return n
  }

const days = (value: string) => {
  const m = /^(\d+)d?$/.exec(value.trim())
  if (!m) throw new InvalidArgumentError('Give a number of days, like 30d')
  return Number(m[1])
}

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(loadConfig())
  try {
    return await fn(rt)
  } finally {
    // PGlite's close resets process.exitCode; a command's failure must survive it.
    const code = process.exitCode
    await rt.close()
    process.exitCode = code
  }
}

/** Records-system extracts list children and others by name and date of birth only. */
function forExtract(incident: IncidentInput): IncidentInput {
  return {
    ...incident,
    people: incident.people.map((p) =>
      p.role === 'child' || p.role === 'other'
        ? { role: p.role, firstName: p.firstName, lastName: p.lastName, dateOfBirth: p.dateOfBirth }
        : p,
    ),
  }
}

const program = new Command()
  .name('provide')
  .description('Provide: police and health IDVA co-responder programme for victims of domestic abuse')
  .showHelpAfterError()

program
  .command('start')
  .description('Start the web app and API (embedded PostgreSQL unless DATABASE_URL is set)')
  .option('--demo', 'on an empty database, add demo logins for each role and synthetic incidents')
  .option('--demo-incidents <n>', 'synthetic incidents to generate with --demo', int('demo-incidents'), 2000)
  .action(async (opts: { demo?: boolean; demoIncidents: number }) => {
    const started = Date.now()
    const config = loadConfig()
    const rt = await openRuntime(config)
    if (opts.demo && (await seedDemoUsers(rt.deps.db, rt.services.auth))) {
      const report = progressReporter('Generating demo incidents')
      await writeDemoIncidents(rt.deps.db, rt.deps.clock, rt.services.intake, {
        incidents: opts.demoIncidents,
        seed: 1,
        onProgress: (d, t) => report(d, t, 'incidents'),
      })
      await seedDemoDeployment(rt.deps.db, rt.deps.clock, rt.services.triage)
      await seedDemoVictimRecord(rt.deps.db, rt.deps.clock, rt.services)
    }
    const app = await buildApp(rt.deps)
    const shutdown = async () => {
      await app.close()
      await rt.close()
      process.exit(0)
    }
    process.once('SIGINT', shutdown)
    process.once('SIGTERM', shutdown)
    await app.listen({ port: config.port, host: config.host })
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`
    const engine = rt.database.engine === 'pglite' ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL server'
    console.log(`Provide is running at ${url} on ${engine} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`)
    if (opts.demo) {
      console.log(`Demo logins (password "${DEMO_PASSWORD}"): ${DEMO_USERS.map((u) => u.username).join(', ')}`)
    }
  })

program
  .command('migrate')
  .description('Bring the database schema up to date')
  .action(() => withRuntime(async () => console.log('Database is up to date')))

const importCmd = program.command('import').description('Import data')
importCmd
  .command('incidents <file>')
  .description('Import incidents from a records-system CSV extract (one row per incident)')
  .option('--valid-only', 'import the valid rows even if some rows have errors (default: all or nothing)')
  .option('--agency <code>', "the agency whose records they become (default: the installation's police agency)")
  .action(async (file: string, opts: { validOnly?: boolean; agency?: string }) => {
    await withRuntime(async (rt) => {
      const actor = systemActor('cli-import')
      const mode = opts.validOnly ? 'valid_only' : 'all_or_nothing'
      const owner = await rt.services.intake.ownerAgency(opts.agency)
      const jobId = await rt.services.imports.createJob(actor, basename(file), mode, owner)
      const importing = progressReporter('Checking and importing')
      const outcome = await rt.services.imports.run(actor, jobId, file, mode, (p) => {
        if (p.phase === 'importing') importing(Math.round(p.fraction * 100), 100, '%')
      })
      console.log(
        `${outcome.status}: ${outcome.totalRows} rows, ${outcome.importedRows} imported, ` +
          `${outcome.duplicateRows} already imported, ${outcome.errorRows} with errors`,
      )
      if (outcome.failure) console.error(outcome.failure)
      for (const e of outcome.errors) console.error(`row ${e.row}, column ${e.column}: ${e.message}`)
      if (outcome.status !== 'completed') process.exitCode = 1
    })
  })

program
  .command('demo-data')
  .description('Generate realistic synthetic incidents into the database, or into a CSV extract with --csv')
  .requiredOption('--incidents <n>', 'how many incidents', int('incidents', 1))
  .option('--seed <s>', 'random seed: the same seed gives the same data', int('seed'), 1)
  .option('--csv <file>', 'write a records-system CSV extract instead of the database')
  .option('--no-users', 'do not add the demo logins')
  .action(async (opts: { incidents: number; seed: number; csv?: string; users: boolean }) => {
    const report = progressReporter('Generating incidents')
    if (opts.csv) {
      const { loadRiskTools } = await import('../intake/risk-tools.ts')
      const riskTools = loadRiskTools(loadConfig().riskToolsDir)
      const out = stringify({ header: true, columns: INCIDENT_CSV_COLUMNS.map((c) => c.name) })
      const done = new Promise<void>((resolve, reject) => {
        out.pipe(createWriteStream(opts.csv!)).on('finish', resolve).on('error', reject)
      })
      let n = 0
      for (const incident of generateIncidents({
        count: opts.incidents,
        seed: opts.seed,
        now: systemClock.now(),
        riskTools,
      })) {
        if (!out.write(incidentToCsvRecord(forExtract(incident)))) await new Promise((r) => out.once('drain', r))
        if (++n % 1000 === 0) report(n, opts.incidents, 'incidents')
      }
      out.end()
      await done
      report(opts.incidents, opts.incidents, 'incidents')
      console.log(`Wrote ${opts.incidents} incidents to ${opts.csv}`)
      return
    }
    await withRuntime(async (rt) => {
      if (opts.users) await seedDemoUsers(rt.deps.db, rt.services.auth)
      const r = await writeDemoIncidents(rt.deps.db, rt.deps.clock, rt.services.intake, {
        incidents: opts.incidents,
        seed: opts.seed,
        onProgress: (d, t) => report(d, t, 'incidents'),
      })
      console.log(`Added ${r.inserted} incidents (${r.duplicates} already present)`)
    })
  })

const token = program.command('token').description('API tokens for service accounts and users')
token
  .command('create')
  .description('Issue a bearer token; it is shown once and stored hashed')
  .requiredOption('--user <username>', 'the user or service account the token acts as')
  .option('--expires <days>', 'lifetime, like 30d', days, 30)
  .option('--name <name>', 'what the token is for', 'API client')
  .action(async (opts: { user: string; expires: number; name: string }) => {
    await withRuntime(async (rt) => {
      const t = await rt.services.auth.createApiToken(systemActor('cli'), {
        username: opts.user,
        name: opts.name,
        expiresInDays: opts.expires,
      })
      console.error(`Token ${t.id} for ${opts.user}, expires ${t.expiresAt.toISOString()}. It will not be shown again:`)
      console.log(t.token)
    })
  })
token
  .command('revoke <id>')
  .description('Revoke a token at once')
  .action(async (id: string) => {
    await withRuntime(async (rt) => {
      await rt.services.auth.revokeApiToken(systemActor('cli'), id)
      console.log(`Token ${id} revoked`)
    })
  })
token
  .command('list')
  .description('List tokens (never their secrets)')
  .action(async () => {
    await withRuntime(async (rt) => {
      for (const t of await rt.services.auth.listApiTokens()) {
        const state = t.revoked_at ? 'revoked' : t.expires_at < new Date() ? 'expired' : 'active'
        console.log(`${t.id}  ${t.prefix}…  ${t.username}  ${state}  expires ${t.expires_at.toISOString()}  ${t.name}`)
      }
    })
  })

const setting = program.command('setting').description('Settings a programme changes without a release')
setting
  .command('list')
  .description('Show every setting and its current value')
  .action(async () => {
    await withRuntime(async (rt) => {
      for (const key of Object.keys(SETTINGS) as SettingKey[]) {
        console.log(`${key} = ${JSON.stringify(await readSetting(rt.deps.db, key))}`)
      }
    })
  })
setting
  .command('set <key> <json>')
  .description(`Change a setting; keys: ${Object.keys(SETTINGS).join(', ')}`)
  .action(async (key: string, json: string) => {
    if (!(key in SETTINGS))
      throw new InvalidArgumentError(`Unknown setting ${key}; settings are ${Object.keys(SETTINGS).join(', ')}`)
    let value: unknown
    try {
      value = JSON.parse(json)
    } catch {
      throw new InvalidArgumentError(`The value must be JSON, like 48 or {"risk": …}`)
    }
    await withRuntime(async (rt) => {
      await changeSetting(rt.deps.db, systemActor('cli'), rt.deps.clock.now(), key as SettingKey, value)
      console.log(`${key} = ${JSON.stringify(await readSetting(rt.deps.db, key as SettingKey))}`)
    })
  })

const user = program.command('user').description('Users and service accounts')
user
  .command('create')
  .description('Create a user; the password comes from PROVIDE_PASSWORD or is generated and printed')
  .requiredOption('--username <name>')
  .requiredOption('--name <display name>')
  .requiredOption('--agency <code>', 'agency code, e.g. police or nhs')
  .requiredOption('--role <role...>', `one or more of: ${ROLES.join(', ')}`)
  .option('--service-account', 'no password: signs in only with API tokens')
  .action(
    async (opts: { username: string; name: string; agency: string; role: string[]; serviceAccount?: boolean }) => {
      const bad = opts.role.filter((r) => !(ROLES as readonly string[]).includes(r))
      if (bad.length) throw new InvalidArgumentError(`Unknown role ${bad.join(', ')}; roles are ${ROLES.join(', ')}`)
      const password = opts.serviceAccount ? null : (process.env.PROVIDE_PASSWORD ?? newSecret().slice(0, 20))
      await withRuntime(async (rt) => {
        await rt.services.auth.createUser(systemActor('cli'), {
          username: opts.username,
          displayName: opts.name,
          agencyCode: opts.agency,
          password,
          roles: opts.role as Role[],
        })
        console.log(
          `Created ${opts.username}${password && !process.env.PROVIDE_PASSWORD ? ` with password ${password}` : ''}`,
        )
      })
    },
  )

const audit = program.command('audit').description('The audit trail')
audit
  .command('verify')
  .description("Check the audit trail's hash chain and print its head; exit code 1 when broken")
  .option('--anchor <seq:hash>', 'a head printed by an earlier run: check it is still in the chain', anchorOption)
  .action(async (opts: { anchor?: ReturnType<typeof anchorOption> }) => {
    // Set after closing: PGlite's close resets process.exitCode.
    if (!(await withRuntime((rt) => auditVerifyCommand(rt.deps.db, opts.anchor)))) process.exitCode = 1
  })

program.parseAsync().catch((error: unknown) => {
  console.error(`provide: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
