import { dependsOnOf } from '../graph/dependencies.js'
import { orderByDependencies } from '../graph/order.js'
import type { GiveState, HostCore } from './core.js'
import { PluginError } from './errors.js'
import { startLastGood } from './last-good.js'
import { isRunning, type PluginRecord } from './records.js'
import type { TakenState } from './state.js'
import type { PluginModule } from './types.js'

/**
 * Which plugin starts when: at `host.start`, in dependency order; later, once what a plugin depends
 * on runs. The one place that parks a plugin (keeps it aside, loaded, with its state, while a
 * plugin it depends on does not run) and unparks it.
 */

/** A plugin's module as `host.start` imported it, or why it did not load. */
export type Loaded = { record: PluginRecord; module: PluginModule } | { record: PluginRecord; failure: PluginError }

/**
 * Activates plugins in list order as their modules arrive (activation overlaps the other
 * imports), each only once the plugins it depends on (`meta.dependsOn`) run; a plugin still
 * waiting on a dependency is deferred, and the deferred ones are ordered once every module is in
 * (a missing dependency or a cycle is reported then, and the plugin parked). A plugin whose code
 * fails runs its last good version, if there is one.
 */
export async function startInOrder(core: HostCore, loads: readonly Promise<Loaded>[], startedAt: number): Promise<void> {
  const deferred: { record: PluginRecord; module: PluginModule }[] = []
  for (const load of loads) {
    const loaded = await load
    if ('failure' in loaded) {
      // Its module did not load: its last good version runs instead, if there is one.
      if (!(await startLastGood(core, loaded.record, loaded.failure, startedAt))) core.fail(loaded.record, loaded.failure)
      continue
    }
    if (dependsOnOf(loaded.module).every((dep) => isRunning(core.records.get(dep)))) await startAtBoot(core, loaded.record, loaded.module, startedAt)
    else deferred.push(loaded)
  }
  if (deferred.length > 0) await startDeferred(core, deferred, startedAt)
}

function startAtBoot(core: HostCore, record: PluginRecord, module: PluginModule, startedAt: number): Promise<boolean> {
  return core.start(record, module, { startedAt, instead: (failure) => startLastGood(core, record, failure, startedAt) })
}

async function startDeferred(core: HostCore, deferred: { record: PluginRecord; module: PluginModule }[], startedAt: number): Promise<void> {
  const byId = new Map(deferred.map((l) => [l.record.id, l]))
  // Plugins already settled (running or failed) count as present; whether they run is checked below.
  const settled = [...core.records.values()].filter((r) => !byId.has(r.id))
  const { order, blocked } = orderByDependencies([
    ...settled.map((r) => ({ id: r.id, dependsOn: [] as string[] })),
    ...deferred.map(({ record, module }) => ({ id: record.id, dependsOn: dependsOnOf(module) })),
  ])
  for (const [id, reason] of blocked) {
    const waiting = byId.get(id)
    // Kept aside: it starts once what it needs runs (a plugin added later, a fixed cycle).
    if (waiting) core.fail(waiting.record, park(core, waiting.record, waiting.module, undefined, `not activated: ${reason}`))
  }
  for (const id of order) {
    const waiting = byId.get(id)
    if (!waiting) continue
    const { record, module } = waiting
    const down = dependsOnOf(module).find((dep) => core.records.get(dep)?.status === 'failed')
    if (down === undefined) await startAtBoot(core, record, module, startedAt)
    else core.fail(record, park(core, record, module, undefined, `not activated: it depends on "${down}", which failed to start`))
  }
}

/** Keeps `module` aside (with `state`) to start once what it depends on runs; returns the error that says why (`reason`). */
export function park(core: HostCore, record: PluginRecord, module: PluginModule, state: TakenState | undefined, reason: string): PluginError {
  core.parked.set(record.id, { module, state })
  return new PluginError(record.id, record.file, 'activate', undefined, reason)
}

/** The state a parked plugin keeps for when it starts. */
export function parkedState(core: HostCore, id: string): TakenState | undefined {
  return core.parked.get(id)?.state
}

/** The plugin no longer waits: it started with a new version, or its entry was deleted. */
export function unpark(core: HostCore, id: string): void {
  core.parked.delete(id)
}

/** The first plugin `module` depends on that does not run, if any. */
function missingDependency(core: HostCore, module: PluginModule): string | undefined {
  return dependsOnOf(module).find((dep) => !isRunning(core.records.get(dep)))
}

/**
 * If a plugin it depends on does not run, parks `module` (with `state`) and returns the error that
 * says why (naming a missing plugin or a cycle, as at start).
 */
export function parkIfWaiting(core: HostCore, record: PluginRecord, module: PluginModule, state: TakenState): PluginError | undefined {
  const missing = missingDependency(core, module)
  if (missing === undefined) return undefined
  const reason = `not activated: ${whyWaiting(core, record.id, module) ?? `it depends on "${missing}", which is not running`}; it starts once "${missing}" runs`
  return park(core, record, module, state, reason)
}

/** Names a missing plugin or a cycle among the waiting plugins (`id`, about to wait with `module`, among them), as at start. */
function whyWaiting(core: HostCore, id: string, module: PluginModule): string | undefined {
  const nodes = [...core.records.values()].map((record) => {
    const waiting = record.id === id ? module : core.parked.get(record.id)?.module
    return { id: record.id, dependsOn: waiting ? dependsOnOf(waiting) : [] }
  })
  return orderByDependencies(nodes).blocked.get(id)
}

/**
 * Starts the parked plugins whose dependencies all run now (after a plugin was added, or a failed
 * one came back), dependencies first, each with the state it kept (`giverFor` gives it).
 */
export async function startParked(core: HostCore, startedAt: number, giverFor: (kept: TakenState | undefined) => GiveState | undefined): Promise<void> {
  // Each round starts those whose dependencies run; a chain (a → b → c) takes one round per link.
  for (;;) {
    const ready = [...core.parked].filter(([id, { module }]) => core.records.has(id) && !missingDependency(core, module))
    if (ready.length === 0) return
    let progressed = false
    for (const [id, waiting] of ready) {
      unpark(core, id)
      if (await core.start(core.records.get(id)!, waiting.module, { startedAt, giveState: giverFor(waiting.state) })) progressed = true
    }
    if (!progressed) return
  }
}
