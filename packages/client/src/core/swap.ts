import type { ReloadResult } from '../protocol.js'
import { PluginError } from './errors.js'
import type { HostInternals, PluginRecord } from './internals.js'
import { dependsOnOf } from './dependencies.js'
import { dependentsOf } from './order.js'
import { fitState, giveState, takeState, type TakenState } from './handoff.js'
import type { PluginModule, ReloadInfo, Teardown } from './types.js'

/** What caused a swap, for events and timing. */
export interface SwapTrigger {
  /** Files (relative to the Vite root) whose change produced the new version. */
  files: string[]
  /** When the update began (the clock of the host), so the import is part of the duration. */
  startedAt: number
  /** True once a newer version of the plugin is queued: this swap is then skipped. */
  superseded?: () => boolean
}


/**
 * Swaps the running instance of plugin `id` for `next`, a module that has already been imported
 * and evaluated. Order: old `getReloadState()` → old teardown → new `activate(ctx)` → new
 * `setReloadState(state)`. If the new version throws, it is torn down and the old module is
 * activated again with the state it had. Resolves to what happened; never rejects.
 */
export function hotSwap(
  internals: HostInternals,
  id: string,
  next: PluginModule,
  trigger: SwapTrigger,
): Promise<ReloadResult | undefined> {
  return internals.enqueue(async () => {
    const record = internals.records.get(id)
    if (!record || trigger.superseded?.()) return undefined
    if (!internals.hotReloadEnabled(id)) {
      internals.skippedWhileOff.add(id)
      internals.logger.info(`hot reload is off for plugin "${id}": it keeps running its current code until hot reload is on again`)
      return undefined
    }
    if (!record.module) return activateAfterFailedStart(internals, record, next, trigger)
    // Plugins that depend on this one stop first and start again against its new (or rolled-back) version.
    const current = record.module
    const held = await holdDependents(internals, record, trigger)
    const result = await swapPlugin(internals, record, current, next, trigger)
    await resumeDependents(internals, held, record.id, trigger)
    return result
  })
}

async function swapPlugin(
  internals: HostInternals,
  record: PluginRecord,
  current: PluginModule,
  next: PluginModule,
  trigger: SwapTrigger,
): Promise<ReloadResult> {
  const { events, now } = internals
  const ref = { id: record.id, file: record.file }
  events.emit('reload-started', { ...ref, files: trigger.files })
  if (typeof next.activate !== 'function') {
    const error = new PluginError(record.id, record.file, 'import', undefined, 'the new version has no activate() export')
    return reportFailure(internals, record, error, 'kept-old', trigger)
  }

  record.status = 'reloading'
  const previous = { module: current, teardown: record.teardown }
  const state = await takeState(internals, record, previous.module)
  await internals.deactivate(record, previous.module, previous.teardown)

  const handed = fitState(internals, record, state, next)
  const info: ReloadInfo = { reason: 'hot-swap', fromVersion: state.pluginVersion, fromStateVersion: state.stateVersion }
  let teardown: Teardown | undefined
  try {
    teardown = await internals.activate(record, next)
  } catch (error) {
    await rollBack(internals, record, previous.module, state)
    return reportFailure(internals, record, error as PluginError, 'rolled-back', trigger)
  }
  try {
    await giveState(internals, record, next, handed, info)
  } catch (error) {
    await internals.deactivate(record, next, teardown)
    await rollBack(internals, record, previous.module, state)
    return reportFailure(internals, record, error as PluginError, 'rolled-back', trigger)
  }

  record.module = next
  record.teardown = teardown
  record.version = next.meta?.version
  record.status = 'idle'
  record.error = undefined
  record.reloadCount += 1
  const durationMs = now() - trigger.startedAt
  record.lastReloadMs = durationMs
  if (handed.has) internals.stateHooks?.handedOver(record, next, handed.value)
  events.emit('reload-completed', {
    ...ref,
    version: record.version,
    files: trigger.files,
    durationMs,
    stateKept: handed.has,
    reloadCount: record.reloadCount,
  })
  return { ...ref, outcome: 'swapped', durationMs, stateKept: handed.has }
}

interface HeldDependent {
  record: PluginRecord
  module: PluginModule
  state: TakenState
}

/** Takes the state of every running plugin that depends on `record` and tears them down, last first. */
async function holdDependents(internals: HostInternals, record: PluginRecord, trigger: SwapTrigger): Promise<HeldDependent[]> {
  const running = [...internals.records.values()].filter((r) => r.module && r.status !== 'failed')
  const ids = dependentsOf(record.id, running.map((r) => ({ id: r.id, dependsOn: dependsOnOf(r.module) })))
  const held: HeldDependent[] = []
  for (const id of [...ids].reverse()) {
    const dependent = internals.records.get(id)!
    const module = dependent.module!
    internals.events.emit('reload-started', { id, file: dependent.file, files: trigger.files, via: record.id })
    dependent.status = 'reloading'
    const state = await takeState(internals, dependent, module)
    await internals.deactivate(dependent, module, dependent.teardown)
    dependent.teardown = undefined
    held.unshift({ record: dependent, module, state })
  }
  return held
}

/** Starts the held dependents again, dependencies first, each with the state it had. */
async function resumeDependents(
  internals: HostInternals,
  held: HeldDependent[],
  via: string,
  trigger: SwapTrigger,
): Promise<void> {
  for (const { record, module, state } of held) {
    const ref = { id: record.id, file: record.file }
    const down = dependsOnOf(module).find((dep) => internals.records.get(dep)?.status === 'failed')
    try {
      if (down !== undefined) {
        throw new PluginError(record.id, record.file, 'activate', undefined, `not activated again: it depends on "${down}", which is not running`)
      }
      record.teardown = await internals.activate(record, module)
      await giveState(internals, record, module, state, {
        reason: 'hot-swap',
        fromVersion: state.pluginVersion,
        fromStateVersion: state.stateVersion,
      })
    } catch (error) {
      record.module = undefined
      record.teardown = undefined
      record.status = 'failed'
      reportFailure(internals, record, error as PluginError, 'kept-old', trigger)
      continue
    }
    record.status = 'idle'
    record.reloadCount += 1
    if (state.has) internals.stateHooks?.handedOver(record, module, state.value)
    const durationMs = internals.now() - trigger.startedAt
    internals.events.emit('reload-completed', {
      ...ref,
      version: record.version,
      files: trigger.files,
      durationMs,
      stateKept: state.has,
      reloadCount: record.reloadCount,
      via,
    })
  }
}

/**
 * Reports that a new version never arrived (its import failed: a syntax error, a failed fetch, a
 * throw while evaluating). The running instance is not touched.
 */
export function reportImportFailure(
  internals: HostInternals,
  id: string,
  trigger: SwapTrigger,
  cause?: unknown,
): Promise<ReloadResult | undefined> {
  return internals.enqueue(async () => {
    const record = internals.records.get(id)
    // A version that failed but is already replaced by a newer one is no news.
    if (!record || trigger.superseded?.()) return undefined
    const detail =
      'its new code failed to load (a syntax error, a failed import, or a throw while evaluating; ' +
      "see Vite's error overlay and the console)" +
      (record.module ? '; the previous version keeps running' : '')
    const error = new PluginError(record.id, record.file, 'import', cause, detail)
    return reportFailure(internals, record, error, 'kept-old', trigger)
  })
}

/** Reports that the dev server refused a plugin's new code (it does not compile); nothing changes. */
export function reportCompileError(
  internals: HostInternals,
  id: string,
  trigger: SwapTrigger,
  cause: { message: string; frame?: string },
): Promise<ReloadResult | undefined> {
  return internals.enqueue(async () => {
    const record = internals.records.get(id)
    if (!record) return undefined
    const error = new PluginError(record.id, record.file, 'compile', Object.assign(new Error(cause.message), { frame: cause.frame }))
    internals.events.emit('reload-started', { id: record.id, file: record.file, files: trigger.files })
    return reportFailure(internals, record, error, 'kept-old', trigger)
  })
}

async function activateAfterFailedStart(
  internals: HostInternals,
  record: PluginRecord,
  next: PluginModule,
  trigger: SwapTrigger,
): Promise<ReloadResult> {
  const ref = { id: record.id, file: record.file }
  internals.events.emit('reload-started', { ...ref, files: trigger.files })
  try {
    record.teardown = await internals.activate(record, next)
  } catch (error) {
    return reportFailure(internals, record, error as PluginError, 'kept-old', trigger)
  }
  record.module = next
  record.version = next.meta?.version
  // Its first activation: it gets the state saved for it, as at start (e.g. after a fallback reload).
  await internals.stateHooks?.restore(record, next)
  record.status = 'idle'
  record.error = undefined
  const durationMs = internals.now() - trigger.startedAt
  internals.events.emit('plugin-activated', { ...ref, version: record.version, durationMs })
  return { ...ref, outcome: 'swapped', durationMs, stateKept: false }
}

/** Brings the previous module back with the state it had. */
async function rollBack(
  internals: HostInternals,
  record: PluginRecord,
  previous: PluginModule,
  state: TakenState,
): Promise<void> {
  const info: ReloadInfo = {
    reason: 'rollback',
    fromVersion: previous.meta?.version,
    fromStateVersion: previous.meta?.stateVersion,
  }
  try {
    record.teardown = await internals.activate(record, previous)
    await giveState(internals, record, previous, state, info)
    record.module = previous
  } catch (error) {
    // The old version worked before this swap; if it cannot come back, nothing of the plugin runs.
    record.module = undefined
    record.teardown = undefined
    record.status = 'failed'
    internals.logger.error(`plugin "${record.id}" (${record.file}): the previous version could not be restored`, error)
  }
}

function reportFailure(
  internals: HostInternals,
  record: PluginRecord,
  error: PluginError,
  outcome: 'kept-old' | 'rolled-back',
  trigger: SwapTrigger,
): ReloadResult {
  record.error = error
  record.status = record.module ? 'rolled-back' : 'failed'
  const ref = { id: record.id, file: record.file }
  internals.logger.error(error.message, error.cause)
  internals.events.emit('reload-failed', { ...ref, files: trigger.files, error, outcome })
  return { ...ref, outcome, durationMs: internals.now() - trigger.startedAt, stateKept: false, error: error.message }
}
