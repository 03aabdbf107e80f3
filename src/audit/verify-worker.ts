import { parentPort } from 'node:worker_threads'
import { parseChainPage } from './chain.ts'
import { checkPage } from './verify.ts'

// Parses and hashes pages of the audit trail off the main thread, which keeps fetching the next
// page meanwhile: the database's work and the hashing overlap (see verifyAuditChain).
parentPort!.on('message', (message: { page: string; anchorSeq: number | null }) => {
  parentPort!.postMessage(checkPage(parseChainPage(message.page), message.anchorSeq))
})
