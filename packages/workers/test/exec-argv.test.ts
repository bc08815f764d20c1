import { describe, expect, it } from 'vitest'
import { workerExecArgv } from '../src/exec-argv.js'

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
