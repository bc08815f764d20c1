/** Throws a TypeError unless `value` is an integer >= `min` (counts, sizes, `notify(n)`). */
export function checkCount(value: unknown, min: number, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`${what} must be an integer >= ${min}, got ${String(value)}`)
  }
}
