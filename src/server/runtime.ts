import type { AppConfig } from '../config.ts'
import { pgliteDir } from '../config.ts'
import { openDatabase, type OpenedDatabase } from '../db/database.ts'
import { migrateToLatest } from '../db/migrator.ts'
import { loadRiskTools } from '../intake/risk-tools.ts'
import { systemClock, type Clock } from '../common/clock.ts'
import { createServices, type AppDeps, type Services } from './app.ts'
import { seedAreas } from '../demo/seed.ts'

export interface Runtime {
  deps: AppDeps
  services: Services
  database: OpenedDatabase
  close(): Promise<void>
}

/** Opens and migrates the database and loads configuration: shared by the server and the CLI. */
export async function openRuntime(config: AppConfig, clock: Clock = systemClock): Promise<Runtime> {
  const riskTools = loadRiskTools(config.riskToolsDir)
  const database = await openDatabase({ url: config.databaseUrl, dataDir: pgliteDir(config) })
  try {
    await migrateToLatest(database.db)
    await seedAreas(database.db, config.areas)
  } catch (error) {
    await database.close()
    throw error
  }
  const deps: AppDeps = { config, db: database.db, clock, riskTools }
  return { deps, services: createServices(deps), database, close: () => database.close() }
}
