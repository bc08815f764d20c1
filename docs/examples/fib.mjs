// A worker module: plain JavaScript, so threads and processes load it without a loader.
export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}
