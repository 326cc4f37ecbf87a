import { describe, expect, it } from 'vitest'
import { applyToHosts, planBatch, type AppliedBatch } from '../../../src/engine/apply/hosts.js'
import type { Arrival } from '../../../src/engine/batch-assembler.js'
import { createUpdateTracker } from '../../../src/engine/update-tracker.js'
import { loggingPlugin } from '../../helpers.js'
import { attachedHost } from '../attached-host.js'

const update = (files: string[], generation?: number, startedAt?: Map<object, number>) => ({
  files: new Set(files),
  startedAt: (startedAt ?? new Map()) as Map<{ now(): number }, number>,
  ...(generation === undefined ? {} : { generation }),
})

describe('planBatch', () => {
  it('splits arrivals into versions to swap and failed imports, files once each; held versions join with their files', () => {
    const tracker = createUpdateTracker([])
    const a2 = loggingPlugin([], 'a2')
    const c2 = loggingPlugin([], 'c2')
    const arrivals: Arrival[] = [
      { id: 'a', update: update(['fa', 'shared'], 1), outcome: { module: a2 } },
      { id: 'b', update: update(['fb', 'shared']), outcome: { error: 'boom' } },
    ]
    const plan = planBatch({ batch: 3, arrivals, held: [{ id: 'c', module: c2, generation: 4, files: ['fc', 'fa'] }] }, tracker)
    expect(plan.files).toEqual(['fa', 'shared', 'fb', 'fc'])
    expect(plan.members.map((m) => [m.id, m.generation])).toEqual([
      ['a', 1],
      ['c', 4],
    ])
    expect(plan.failed.map((f) => [f.id, f.error])).toEqual([['b', 'boom']])
    // b had no generation: it took a new one, so it is current; a's 1 is not (no announcement made it current).
    expect(plan.failed[0]?.superseded()).toBe(false)
    expect(tracker.data.generation.get('b')).toBe(1)
    tracker.announced('a', [], false)
    tracker.announced('a', [], false)
    expect(plan.members[0]?.superseded()).toBe(true)
  })
})

describe('applyToHosts', () => {
  it('swaps the batch in every host and hands on the outcome once, from the first', async () => {
    const log: string[] = []
    const one = await attachedHost({ a: loggingPlugin(log, 'a1') })
    const two = await attachedHost({ a: loggingPlugin(log, 'other1') })
    log.length = 0
    one.clock.advance(10)
    const outcomes: AppliedBatch[] = []
    const startedAt = new Map<object, number>([[one.core, 1004]])
    applyToHosts(
      { batch: 2, arrivals: [{ id: 'a', update: update(['fa'], undefined, startedAt), outcome: { module: loggingPlugin(log, 'a2') } }], held: [] },
      { hosts: [one.core, two.core], tracker: createUpdateTracker([]), applied: (o) => void outcomes.push(o) },
    )
    await expect.poll(() => outcomes.length).toBe(1)
    expect(outcomes[0]).toMatchObject({ batch: 2, heldBack: [], results: [{ id: 'a', outcome: 'swapped', durationMs: 6 }] })
    expect(log.filter((l) => l.endsWith('activate({})'))).toEqual(['a2.activate({})', 'a2.activate({})'])
    expect(one.events.find((e) => e.type === 'reload-completed')?.payload).toMatchObject({ batch: 2, files: ['fa'] })
    expect(two.host.get('a')).toMatchObject({ reloadCount: 1 })
  })

  it('a failed import keeps the batch from applying: reported, the others held back with a warning', async () => {
    const log: string[] = []
    const app = await attachedHost({ a: loggingPlugin(log, 'a1'), b: loggingPlugin(log, 'b1') })
    log.length = 0
    const outcomes: AppliedBatch[] = []
    const a2 = loggingPlugin(log, 'a2')
    applyToHosts(
      {
        batch: 5,
        arrivals: [
          { id: 'a', update: update(['fa']), outcome: { module: a2 } },
          { id: 'b', update: update(['fb']), outcome: { error: new SyntaxError('Unexpected token') } },
        ],
        held: [],
      },
      { hosts: [app.core], tracker: createUpdateTracker([]), applied: (o) => void outcomes.push(o) },
    )
    await expect.poll(() => outcomes.length).toBe(1)
    expect(outcomes[0]?.results).toMatchObject([{ id: 'b', outcome: 'kept-old' }])
    expect(outcomes[0]?.heldBack).toEqual([{ id: 'a', module: a2, generation: 1, files: ['fa', 'fb'] }])
    expect(log).toEqual([])
    expect(app.events.find((e) => e.type === 'warning')?.payload.message).toContain('it came in one batch with "b", whose new code failed to load')
  })

  it('after failed imports only the current versions wait, each warned once with every failed plugin named; overtaken failures are not reported', async () => {
    const log: string[] = []
    const app = await attachedHost({ a: loggingPlugin(log, 'a1'), b: loggingPlugin(log, 'b1'), c: loggingPlugin(log, 'c1'), d: loggingPlugin(log, 'd1') })
    const tracker = createUpdateTracker([])
    // c and d were saved again after these versions: theirs are overtaken.
    for (const id of ['a', 'b', 'c', 'd']) tracker.announced(id, [], false)
    for (const id of ['c', 'd']) tracker.announced(id, [], false)
    const outcomes: AppliedBatch[] = []
    const a2 = loggingPlugin(log, 'a2')
    applyToHosts(
      {
        batch: 6,
        arrivals: [
          { id: 'a', update: update(['fa'], 1), outcome: { module: a2 } },
          { id: 'b', update: update(['fb'], 1), outcome: { error: new SyntaxError('Unexpected token') } },
          { id: 'c', update: update(['fc'], 1), outcome: { module: loggingPlugin(log, 'c2') } },
          { id: 'd', update: update(['fd'], 1), outcome: { error: new Error('404') } },
        ],
        held: [],
      },
      { hosts: [app.core], tracker, applied: (o) => void outcomes.push(o) },
    )
    await expect.poll(() => outcomes.length).toBe(1)
    expect(outcomes[0]?.results.map((r) => [r.id, r.outcome])).toEqual([['b', 'kept-old']])
    expect(outcomes[0]?.heldBack.map((h) => h.id)).toEqual(['a'])
    const warnings = app.events.filter((e) => e.type === 'warning').map((e) => [e.payload.id, e.payload.message])
    expect(warnings).toEqual([['a', 'its new version waits: it came in one batch with "b", "d", whose new code failed to load']])
  })

  it('with reloadDependents: false, the dependents keep running', async () => {
    const log: string[] = []
    const app = await attachedHost({ theme: loggingPlugin(log, 'theme1'), notes: { ...loggingPlugin(log, 'notes1'), meta: { dependsOn: ['theme'] } } })
    log.length = 0
    const outcomes: AppliedBatch[] = []
    applyToHosts(
      { batch: undefined, arrivals: [{ id: 'theme', update: undefined, outcome: { module: loggingPlugin(log, 'theme2') } }], held: [] },
      { hosts: [app.core], tracker: createUpdateTracker([]), reloadDependents: false, applied: (o) => void outcomes.push(o) },
    )
    await expect.poll(() => outcomes.length).toBe(1)
    expect(outcomes[0]?.batch).toBeUndefined()
    expect(log.some((l) => l.startsWith('notes'))).toBe(false)
  })

  it('with no host, nothing is handed on', async () => {
    const outcomes: AppliedBatch[] = []
    applyToHosts({ batch: 1, arrivals: [], held: [] }, { hosts: [], tracker: createUpdateTracker([]), applied: (o) => void outcomes.push(o) })
    await Promise.resolve()
    expect(outcomes).toEqual([])
  })
})
