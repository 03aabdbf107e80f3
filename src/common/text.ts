/** Items as a sentence lists alternatives: 'a', 'a or b', 'a, b or c'. */
export const orList = (items: readonly string[]): string =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '')
