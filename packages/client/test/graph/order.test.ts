import { describe, expect, it } from 'vitest'
import { dependentsOf, firstDependedOn, orderByDependencies } from '../../src/graph/order.js'

const node = (id: string, ...dependsOn: string[]) => ({ id, dependsOn })

describe('orderByDependencies', () => {
  it('puts dependencies first and keeps the given order otherwise', () => {
    const { order, blocked } = orderByDependencies([node('chart', 'theme', 'data'), node('notes'), node('data'), node('theme')])
    expect(order).toEqual(['notes', 'data', 'theme', 'chart'])
    expect(blocked.size).toBe(0)
  })

  it('blocks a plugin whose dependency is missing, naming it, and what depends on it', () => {
    const { order, blocked } = orderByDependencies([node('chart', 'theme'), node('legend', 'chart'), node('notes')])
    expect(order).toEqual(['notes'])
    expect(blocked.get('chart')).toBe('it depends on "theme", which is not a plugin here')
    expect(blocked.get('legend')).toBe('it depends on "chart", which cannot run')
  })

  it('reports a cycle by its members and never loops', () => {
    const { order, blocked } = orderByDependencies([node('a', 'b'), node('b', 'c'), node('c', 'a'), node('d', 'a'), node('e')])
    expect(order).toEqual(['e'])
    expect(blocked.get('a')).toBe('its dependencies form a cycle: "a" → "b" → "c" → "a"')
    expect(blocked.get('b')).toBe('its dependencies form a cycle: "a" → "b" → "c" → "a"')
    expect(blocked.get('d')).toMatch(/^it depends on "a", which cannot run$|cycle/)
  })

  it('reports a plugin that depends on itself', () => {
    expect(orderByDependencies([node('self', 'self')]).blocked.get('self')).toBe('its dependencies form a cycle: "self" → "self"')
  })
})

describe('dependentsOf', () => {
  it('finds direct and transitive dependents, dependencies first', () => {
    const nodes = [node('legend', 'chart'), node('chart', 'theme'), node('theme'), node('notes'), node('badge', 'theme')]
    expect(dependentsOf('theme', nodes)).toEqual(['chart', 'badge', 'legend'])
    expect(dependentsOf('notes', nodes)).toEqual([])
  })
})

describe('firstDependedOn', () => {
  it('names each dependent after the first of the ids it depends on, directly or through others', () => {
    // legend → chart → theme; badge → theme and notes; clock → notes
    const nodes = [node('legend', 'chart'), node('chart', 'theme'), node('theme'), node('notes'), node('badge', 'notes', 'theme'), node('clock', 'notes')]
    expect(Object.fromEntries(firstDependedOn(['notes', 'theme'], nodes))).toEqual({ badge: 'notes', clock: 'notes', chart: 'theme', legend: 'theme' })
    expect(Object.fromEntries(firstDependedOn(['theme', 'notes'], nodes))).toEqual({ badge: 'theme', clock: 'notes', chart: 'theme', legend: 'theme' })
  })

  it('goes on through the ids themselves, which it never names', () => {
    // legend → chart → theme: with chart among the ids, legend is still theme's when theme comes first
    const nodes = [node('legend', 'chart'), node('chart', 'theme'), node('theme')]
    expect(Object.fromEntries(firstDependedOn(['theme', 'chart'], nodes))).toEqual({ legend: 'theme' })
    expect(Object.fromEntries(firstDependedOn(['chart', 'theme'], nodes))).toEqual({ legend: 'chart' })
  })

  it('ends on a cycle, and leaves out what depends on none of the ids', () => {
    const nodes = [node('a', 'b'), node('b', 'a'), node('c', 'b'), node('lone')]
    expect(Object.fromEntries(firstDependedOn(['a'], nodes))).toEqual({ b: 'a', c: 'a' })
    expect(firstDependedOn(['lone'], nodes).size).toBe(0)
  })
})
