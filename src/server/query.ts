import { z } from 'zod'

/** A query parameter that may repeat (`?risk=high&risk=medium`) or appear once, as an array. */
export function repeated<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (v === undefined || v === '' ? undefined : Array.isArray(v) ? v : [v]),
    z.array(item).optional(),
  )
}
