import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import * as sass from 'sass'

const ROOT = path.resolve(import.meta.dirname, '../..')
const ENTRY = path.join(import.meta.dirname, 'styles/app.scss')
const CACHE_DIR = path.join(ROOT, 'node_modules/.cache/provide')

let compiled: string | undefined

/**
 * The stylesheet: GOV.UK and MOJ Frontend compiled with Provide's settings. Compiled once per
 * change of the source or the packages, cached on disk so starting the app stays quick.
 */
export function appStylesheet(): string {
  if (compiled) return compiled
  const versions = ['govuk-frontend', '@ministryofjustice/frontend'].map(
    (p) => JSON.parse(readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version as string,
  )
  const key = createHash('sha256').update(readFileSync(ENTRY)).update(versions.join()).digest('hex').slice(0, 16)
  const cached = path.join(CACHE_DIR, `app-${key}.css`)
  if (existsSync(cached)) return (compiled = readFileSync(cached, 'utf8'))
  const result = sass.compile(ENTRY, {
    // MOJ Frontend imports GOV.UK Frontend by a path from the project root.
    loadPaths: [ROOT, path.join(ROOT, 'node_modules/govuk-frontend/dist/govuk')],
    importers: [new sass.NodePackageImporter(ROOT)],
    style: 'compressed',
    quietDeps: true,
    logger: sass.Logger.silent,
  })
  mkdirSync(CACHE_DIR, { recursive: true })
  writeFileSync(cached, result.css)
  return (compiled = result.css)
}
