import type { ReloadResult } from '../../protocol/index.js'
import type { HostCore } from '../../host/core.js'
import { hotSwapBatch, reportImportFailure, type BatchMember, type BatchOutcome, type SwapTrigger } from './batch.js'
import type { AssembledBatch, HeldVersion } from '../batch-assembler.js'
import type { UpdateTracker } from '../update-tracker.js'

/** What a batch came to (in the first host: every host applies the same batch). */
export interface AppliedBatch {
  batch: number | undefined
  results: ReloadResult[]
  /** The new versions that did not apply because another plugin of the batch failed. */
  heldBack: HeldVersion[]
}

export interface ApplyContext {
  hosts: Iterable<HostCore>
  tracker: Pick<UpdateTracker, 'nextGeneration' | 'superseded'>
  /** @default true */
  reloadDependents?: boolean
  /** The name of the update source, for the events (`'feed'`); absent for the dev server's. */
  source?: string
  /** Called once per batch, with the outcome in the first host. */
  applied(outcome: AppliedBatch): void
}

interface Member extends BatchMember {
  superseded: () => boolean
  generation: number | undefined
}
interface Failure {
  id: string
  error: unknown
  superseded: () => boolean
}
/** A batch as every host applies it. */
interface Plan {
  files: string[]
  members: Member[]
  failed: Failure[]
}

/** Splits a batch into the versions to swap in and the plugins whose new code did not load. */
export function planBatch({ arrivals, held }: AssembledBatch, tracker: ApplyContext['tracker']): Plan {
  const files = [...new Set(arrivals.flatMap((a) => [...(a.update?.files ?? [])]))]
  const members: Member[] = []
  const failed: Failure[] = []
  for (const { id, update, outcome } of arrivals) {
    const mine = update?.generation ?? tracker.nextGeneration(id)
    const superseded = tracker.superseded(id, mine)
    if ('module' in outcome) members.push({ id, module: outcome.module, superseded, generation: mine })
    else failed.push({ id, error: outcome.error, superseded })
  }
  for (const version of held) {
    members.push({ id: version.id, module: version.module, superseded: tracker.superseded(version.id, version.generation), generation: version.generation })
    files.push(...version.files.filter((file) => !files.includes(file)))
  }
  return { files, members, failed }
}

/** Applies a batch in every host, all or nothing; hands on the outcome once (from the first host). */
export function applyToHosts(batch: AssembledBatch, context: ApplyContext): void {
  const plan = planBatch(batch, context.tracker)
  const startedAt = (host: HostCore) =>
    Math.min(host.now(), ...batch.arrivals.map((a) => a.update?.startedAt.get(host) ?? Number.POSITIVE_INFINITY))
  let first = true
  for (const host of context.hosts) {
    const trigger: SwapTrigger = {
      files: plan.files,
      startedAt: startedAt(host),
      ...(batch.batch === undefined ? {} : { batch: batch.batch }),
      ...(context.reloadDependents === false ? { reloadDependents: false } : {}),
      ...(context.source === undefined ? {} : { source: context.source }),
    }
    const outcome = applyInHost(host, plan, trigger)
    if (first) {
      void outcome.then(({ results, heldBack }) =>
        context.applied({ batch: batch.batch, results, heldBack: heldVersions(plan, heldBack) }),
      )
    }
    first = false
  }
}

function applyInHost(host: HostCore, { members, failed }: Plan, trigger: SwapTrigger): Promise<BatchOutcome> {
  if (failed.length === 0) return hotSwapBatch(host, members, trigger)
  // A plugin's new code did not load: the batch does not apply; the others' new versions wait.
  const reports = failed.map((f) => reportImportFailure(host, f.id, { ...trigger, superseded: f.superseded }, f.error))
  return Promise.all(reports).then((results) => {
    const waiting = members.filter((m) => !m.superseded()).map((m) => m.id)
    for (const id of waiting) {
      const record = host.records.get(id)
      if (record) host.warn(record, `its new version waits: it came in one batch with ${failed.map((f) => `"${f.id}"`).join(', ')}, whose new code failed to load`)
    }
    return { results: results.filter((r): r is ReloadResult => r !== undefined), heldBack: waiting }
  })
}

function heldVersions({ members, files }: Plan, ids: readonly string[]): HeldVersion[] {
  return members
    .filter((member) => ids.includes(member.id))
    .map((member): HeldVersion => ({ id: member.id, module: member.module, generation: member.generation, files }))
}
