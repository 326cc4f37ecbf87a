import type { Leak, LeakKind } from '../protocol/index.js'
import type { InstanceEnd } from '../host/core.js'
import type { Resource } from './tracker.js'

/** A leak before it is told: the resource, and where it was started (told later, once source-mapped). */
export interface LeakFound {
  resource: Resource
  site: string | undefined
}

const VERB: Record<LeakKind, string> = {
  timeout: 'started',
  interval: 'started',
  'animation-frame': 'requested',
  listener: 'added',
  observer: 'created',
  connection: 'opened',
  node: 'inserted',
}

export function toLeak({ resource, site }: LeakFound): Leak {
  const what = resource.detail ? `${resource.noun} (${resource.detail})` : resource.noun
  return { kind: resource.kind, what, ...(site ? { site } : {}) }
}

/** Why what was left was stopped: `leaks: 'clean'`, or the instance never went live. */
export type ClearedBecause = 'clean' | 'never-live'

const AFTER: Record<InstanceEnd, string> = {
  teardown: 'after its teardown',
  failed: 'after its activate() threw',
  discarded: 'after its teardown, in a version that never went live (rolled back or replaced)',
}

const BECAUSE: Record<ClearedBecause, string> = {
  clean: "(leaks: 'clean')",
  'never-live': '(a version that never went live leaves nothing)',
}

/**
 * The sentence of the report: `plugin "clock" (src/plugins/clock/index.ts) left 1 interval (every
 * 1000 ms, started at index.ts:12:5) and 1 "resize" listener on window after its teardown`. Equal
 * leaks (same resource, same site) are counted together. `cleared`: why they were stopped, if they were.
 */
export function describeLeaks(
  plugin: { id: string; file: string },
  found: readonly LeakFound[],
  how: InstanceEnd,
  cleared: ClearedBecause | undefined,
): string {
  const groups = new Map<string, { count: number; found: LeakFound }>()
  for (const item of found) {
    const key = `${item.resource.kind}\0${item.resource.noun}\0${item.resource.detail}\0${item.site}`
    const group = groups.get(key)
    if (group) group.count += 1
    else groups.set(key, { count: 1, found: item })
  }
  const parts = [...groups.values()].map(({ count, found: { resource, site } }) => {
    const notes = [resource.detail, site && `${VERB[resource.kind]} at ${site}`].filter(Boolean)
    return `${count} ${count === 1 ? resource.noun : resource.plural}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`
  })
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]
  const outcome = cleared ? `; ${found.length === 1 ? 'it was' : 'they were'} cleared ${BECAUSE[cleared]}` : ''
  return `plugin "${plugin.id}" (${plugin.file}) left ${list} ${AFTER[how]}${outcome}`
}
