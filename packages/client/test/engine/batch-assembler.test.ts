import { describe, expect, it } from 'vitest'
import { createBatchAssembler, type Arrival, type AssembledBatch } from '../../src/engine/batch-assembler.js'

const module = (tag: string) => ({ activate() {}, tag })
const arrival = (id: string, tag = `${id}2`): Arrival => ({ id, update: undefined, outcome: { module: module(tag) } })

function setup() {
  const applied: AssembledBatch[] = []
  const timers: { task: () => void; ms: number; cancelled: boolean }[] = []
  const assembler = createBatchAssembler({
    waitMs: 10_000,
    apply: (batch) => void applied.push(batch),
    later: (task, ms) => {
      const timer = { task, ms, cancelled: false }
      timers.push(timer)
      return () => void (timer.cancelled = true)
    },
  })
  const summary = () => applied.map((b) => `#${b.batch ?? '-'} ${b.arrivals.map((a) => a.id).join(',')} held:${b.held.map((h) => h.id).join(',')}`)
  return { assembler, applied, timers, summary }
}

describe('batch assembler', () => {
  it('a version outside any open batch goes at once, alone', () => {
    const { assembler, summary } = setup()
    assembler.deliver(arrival('a'))
    expect(summary()).toEqual(['#- a held:'])
  })

  it('holds a batch until every plugin of it is in, then hands it over once, its timer cancelled', () => {
    const { assembler, applied, timers, summary } = setup()
    assembler.open(1, ['a', 'b'])
    assembler.deliver(arrival('b'))
    expect(applied).toEqual([])
    assembler.deliver(arrival('a'))
    expect(summary()).toEqual(['#1 b,a held:'])
    expect(timers).toMatchObject([{ ms: 10_000, cancelled: true }])
    // Closed: a later version of a goes alone.
    assembler.deliver(arrival('a', 'a3'))
    expect(summary()).toEqual(['#1 b,a held:', '#- a held:'])
  })

  it('a batch whose versions never all arrive applies what came once it waited long enough', () => {
    const { assembler, timers, summary, applied } = setup()
    assembler.open(1, ['a', 'b'])
    assembler.deliver(arrival('a'))
    timers[0]?.task()
    expect(summary()).toEqual(['#1 a held:'])
    timers[0]?.task()
    expect(applied).toHaveLength(1)
  })

  it('a batch nothing arrived for is closed without applying', () => {
    const { assembler, timers, applied } = setup()
    assembler.open(1, ['a'])
    timers[0]?.task()
    expect(applied).toEqual([])
    assembler.deliver(arrival('a'))
    expect(applied.map((b) => b.batch)).toEqual([undefined])
  })

  it('a version goes into the first open batch waiting for its plugin', () => {
    const { assembler, summary } = setup()
    assembler.open(1, ['a', 'b'])
    assembler.open(2, ['a'])
    assembler.deliver(arrival('a'))
    assembler.deliver(arrival('a', 'a3'))
    expect(summary()).toEqual(['#2 a held:'])
    assembler.deliver(arrival('b'))
    expect(summary()).toEqual(['#2 a held:', '#1 a,b held:'])
  })

  it('held-back versions join the next batch once, unless a newer version of the plugin is in it', () => {
    const { assembler, applied, summary } = setup()
    assembler.holdBack([
      { id: 'a', module: module('a2'), generation: 1, files: ['fa'] },
      { id: 'b', module: module('b2'), generation: 1, files: ['fb'] },
    ])
    assembler.deliver(arrival('b', 'b3'))
    expect(summary()).toEqual(['#- b held:a'])
    expect(applied[0]?.held[0]).toMatchObject({ id: 'a', generation: 1, files: ['fa'] })
    assembler.deliver(arrival('c'))
    expect(summary()).toEqual(['#- b held:a', '#- c held:'])
  })
})
