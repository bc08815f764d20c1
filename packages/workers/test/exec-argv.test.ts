import { run } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { workerExecArgv } from '../src/exec-argv.js'
import { testPool } from './helpers.js'

describe('a process worker gets the parent execArgv minus what would re-run or re-test it', () => {
  it('drops -e/-p/--eval/--print with their code, and --input-type', () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'run()', '--max-old-space-size=64'])).toEqual([
      '--max-old-space-size=64',
    ])
    expect(workerExecArgv(['-p', '1 + 1', '--eval=x()', '--print', 'y', '--input-type', 'module'])).toEqual(
      [],
    )
  })

  it('drops --test*, --inspect* and --watch* flags, keeping loaders and conditions', () => {
    const argv = [
      '--import',
      'tsx',
      '--test',
      '--test-name-pattern',
      'cancel',
      '--inspect-brk=9229',
      '--watch',
      '--watch-path',
      'src',
      '--conditions=@curio/source',
      '--enable-source-maps',
    ]
    expect(workerExecArgv(argv)).toEqual([
      '--import',
      'tsx',
      '--conditions=@curio/source',
      '--enable-source-maps',
    ])
  })
})

describe('what a process worker actually runs with', () => {
  const given = testPool('process', { execArgv: ['--max-old-space-size=64'] })
  const inherited = testPool('process')

  it('the pool execArgv when given, else the filtered parent execArgv', async () => {
    const [mine, parents] = await run(function* () {
      return [yield* given.run(() => process.execArgv), yield* inherited.run(() => process.execArgv)]
    })
    expect(mine).toEqual(['--max-old-space-size=64'])
    expect(parents).toEqual(workerExecArgv(process.execArgv))
  })
})
