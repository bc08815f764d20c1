import { describe, expect, it } from 'vitest'
import { diff, type TaskRow } from '../src/web/feed.js'
import { hostAllowed } from '../src/web/security.js'

const row = (id: number, fields: Partial<TaskRow> = {}): TaskRow => ({
  id,
  parent: null,
  name: `t${id}`,
  daemon: false,
  state: 'SLEEP',
  cycles: 1,
  deadline: null,
  where: '',
  own: false,
  ...fields,
})

describe('web view rules', () => {
  it('Host must be the address the monitor listens on, with its port', () => {
    const on = (host: string) => (header: string | undefined) =>
      hostAllowed(header, { host, port: 48803, token: 't' })
    const loopback = on('127.0.0.1')
    expect(['127.0.0.1:48803', 'localhost:48803', 'LOCALHOST:48803', '[::1]:48803'].map(loopback)).toEqual([
      true,
      true,
      true,
      true,
    ])
    for (const bad of [
      undefined,
      '',
      '127.0.0.1',
      '127.0.0.1:48804',
      'evil.example:48803',
      '127.0.0.1.nip.io:48803',
      '10.0.0.5:48803',
      'localhost.evil.example:48803',
      '127.0.0.1:48803:1',
    ]) {
      expect([bad, loopback(bad)]).toEqual([bad, false])
    }
    expect([on('::1')('[::1]:48803'), on('::1')('evil.example:48803')]).toEqual([true, false])
    // Listening on a LAN address: only that address.
    expect([on('192.168.1.7')('192.168.1.7:48803'), on('192.168.1.7')('localhost:48803')]).toEqual([
      true,
      false,
    ])
    // On every interface: any IP literal, never a name.
    const any = on('0.0.0.0')
    expect([any('192.168.1.7:48803'), any('[fe80::1]:48803'), any('router.lan:48803')]).toEqual([
      true,
      true,
      false,
    ])
    expect([on('')('127.0.0.1:48803'), on('')('router.lan:48803')]).toEqual([true, false])
  })

  it('diff sends new and changed rows and ended ids; a deadline moved by clock jitter is unchanged', () => {
    const sent = new Map<number, TaskRow>()
    expect(diff(sent, [row(1), row(2, { deadline: 10_000 })], 5).rows.map((r) => r.id)).toEqual([1, 2])
    expect(diff(sent, [row(1), row(2, { deadline: 10_030 })], 6)).toEqual({ now: 6, rows: [], gone: [] })
    const moved = diff(sent, [row(1, { state: 'READY' }), row(2, { deadline: 10_200 }), row(3)], 7)
    expect(moved.rows.map((r) => [r.id, r.state, r.deadline])).toEqual([
      [1, 'READY', null],
      [2, 'SLEEP', 10_200],
      [3, 'SLEEP', null],
    ])
    expect(diff(sent, [row(3)], 8)).toEqual({ now: 8, rows: [], gone: [1, 2] })
    expect(diff(sent, [row(3, { deadline: 1 })], 9).rows).toEqual([row(3, { deadline: 1 })])
  })
})
