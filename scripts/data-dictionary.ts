/** Writes docs/data-dictionary.md from the tracker's field definitions. */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { renderDataDictionary } from '../src/engagement/data-dictionary.ts'

const target = path.resolve(import.meta.dirname, '../docs/data-dictionary.md')
writeFileSync(target, renderDataDictionary())
console.log(`Wrote ${path.relative(process.cwd(), target)}`)
