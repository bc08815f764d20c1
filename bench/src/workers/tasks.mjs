// The work every implementation runs, as a plain module: piscina and the plain baselines
// load it by file, curio by workerFunction or by source.
export function inc(x) {
  return x + 1
}

export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}

/** piscina's entry: `{ fn, arg }` */
export default function piscinaTask({ fn, arg }) {
  return fn === 'fib' ? fib(arg) : inc(arg)
}
