// A worker thread's entry: worker threads do not run the parent's `--import tsx`, so the
// TypeScript loader is registered here before the worker's code is loaded.
import { register } from 'tsx/esm/api'

register()
await import('./verify-worker.ts')
