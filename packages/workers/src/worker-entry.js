// The worker side of @curio/workers: one loop that serves calls, in a worker thread or in a
// child process. It is plain JavaScript on purpose: workers start without the parent's
// TypeScript loader (tsx, vitest), so this file must load in bare Node.
//
// Protocol (one call at a time per worker):
//   parent -> worker  { c: callId, f: fnId, s?: source, a: args }          a function by source
//                     { c: callId, m: moduleUrl, e: exportName, a: args }  a workerFunction
//   worker -> parent  { c: callId, ok: true, v: value } | { c: callId, ok: false, e: encoded }
//   worker -> parent  { crash: encoded }  (process workers: an exception outside any call)
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { parentPort } from 'node:worker_threads'

const port = parentPort
const post = port ? (message) => port.postMessage(message) : (message) => process.send(message)

/** Sourced functions get `require`, resolved from the working directory, as CommonJS code would. */
const require = createRequire(pathToFileURL(`${process.cwd()}/`))
/**
 * esbuild's `keepNames` (on in tsx, which many run TypeScript with) puts `__name(fn, 'fn')`
 * calls inside function bodies; a function sent by source needs the helper where it lands.
 */
const keepName = (target, value) => Object.defineProperty(target, 'name', { value, configurable: true })
const compiled = new Map()
const modules = new Map()

const SENT_BY_SOURCE =
  ' (functions run in a worker are sent by source, so they cannot use variables from the scope' +
  ' they were written in: pass values as arguments, or use workerFunction(moduleUrl, exportName))'

function compile(id, source) {
  let fn = compiled.get(id)
  if (fn === undefined) {
    if (source === undefined) throw new Error(`worker lost function ${id}: it was never sent`)
    fn = new Function('require', '__name', `"use strict"; return (${source})`)(require, keepName)
    compiled.set(id, fn)
  }
  return fn
}

async function load(moduleUrl, exportName) {
  const key = `${moduleUrl}#${exportName}`
  let fn = modules.get(key)
  if (fn === undefined) {
    const module = await import(moduleUrl)
    fn = module[exportName]
    if (typeof fn !== 'function') {
      throw new TypeError(`${moduleUrl} has no exported function ${JSON.stringify(exportName)}`)
    }
    modules.set(key, fn)
  }
  return fn
}

const BUILTIN = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
  'AggregateError',
])

function isPrimitive(value) {
  return value === null || (typeof value !== 'object' && typeof value !== 'function')
}

/** A thrown non-Error value travels as itself when it can, else as its string form. */
function cloneable(value) {
  if (isPrimitive(value)) return value
  try {
    structuredClone(value)
    return value
  } catch {
    return String(value)
  }
}

/** An error as plain data: structured clone keeps neither custom fields nor subclasses. */
function encode(error, depth = 0) {
  if (!(error instanceof Error)) return { value: cloneable(error) }
  const fields = {}
  for (const key of Object.keys(error)) {
    const value = error[key]
    if (key !== 'cause' && isPrimitive(value) && typeof value !== 'symbol') fields[key] = value
  }
  const ctor = error.constructor && BUILTIN.has(error.constructor.name) ? error.constructor.name : 'Error'
  const encoded = {
    name: String(error.name),
    message: String(error.message),
    stack: error.stack,
    ctor,
    fields,
  }
  if ('cause' in error && depth < 8) encoded.cause = encode(error.cause, depth + 1)
  if (error instanceof AggregateError && depth < 8)
    encoded.errors = error.errors.map((e) => encode(e, depth + 1))
  return encoded
}

/** A sourced function that names something from its old scope gets told why. */
function explain(error, sourced) {
  if (sourced && error instanceof ReferenceError && / is not defined$/.test(error.message)) {
    const old = error.message
    // Read the stack first: V8 formats it lazily, from the message as it is when first read.
    const stack = error.stack
    error.message = old + SENT_BY_SOURCE
    if (typeof stack === 'string') error.stack = stack.replace(old, error.message)
  }
  return error
}

function reply(callId, value) {
  try {
    post({ c: callId, ok: true, v: value })
  } catch (error) {
    const why = new TypeError(`the result cannot be sent back from the worker: ${error.message}`)
    post({ c: callId, ok: false, e: encode(why) })
  }
}

function fail(callId, error) {
  post({ c: callId, ok: false, e: encode(error) })
}

async function finish(callId, pending, sourced) {
  try {
    reply(callId, await pending)
  } catch (error) {
    fail(callId, explain(error, sourced))
  }
}

function serve(message) {
  const callId = message.c
  const sourced = message.m === undefined
  // The common case stays synchronous: a compiled function with a plain result costs no
  // promise, which is most of the round trip for tiny calls.
  try {
    const fn = sourced ? compile(message.f, message.s) : undefined
    const value = sourced ? fn(...message.a) : load(message.m, message.e).then((f) => f(...message.a))
    if (value !== null && typeof value === 'object' && typeof value.then === 'function') {
      finish(callId, value, sourced)
    } else {
      reply(callId, value)
    }
  } catch (error) {
    fail(callId, explain(error, sourced))
  }
}

if (port) {
  port.on('message', serve)
} else {
  process.on('message', serve)
  // The parent went away (exited, crashed, was killed): nobody is left to serve.
  process.on('disconnect', () => process.exit(0))
  // An exception outside any call ends this worker, as it would a thread; the parent learns why.
  process.on('uncaughtException', (error) => {
    process.send({ crash: encode(error) }, () => process.exit(1))
  })
}
