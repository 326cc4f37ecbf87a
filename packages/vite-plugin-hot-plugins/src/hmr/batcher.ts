/**
 * The quiet time that closes a batch of changes, in ms: `first` after a change that comes when
 * nothing changed for `max` (a lone save, or a burst's first change), `min` once a further change
 * joins, doubling with each one, up to `max`; no batch stays open longer than `max` after its first
 * change. `first` absent: `min`.
 */
export interface BatchWindow {
  first?: number
  min: number
  max: number
}

/** A batch of plugin changes, closed: what the browser is told to apply at once. */
export interface ClosedBatch {
  id: number
  files: string[]
  plugins: string[]
  /** Vite's timestamp of the first change. */
  timestamp: number
}

/**
 * One change in a batch. `M` is what the change hands to Vite's update (its module nodes).
 *
 * Vite sends one update per file event, so two files of one plugin saved together would reach the
 * plugin's entry twice and swap it twice. The batch therefore goes to Vite as one update: one change
 * of the batch (its carrier) carries the modules of all of them, the others carry none.
 */
export interface BatchTicket<M = unknown> {
  /**
   * Resolves once the batch is closed and announced, with the modules this change's update must
   * carry: those of every change of the batch for its carrier, none for the others.
   */
  ready: Promise<readonly M[]>
  /** The change opened its batch (a save on its own, or a burst's first change): it carries the batch's update, unless it leaves the batch. */
  readonly opened: boolean
  /** The change is in, owned by `plugins`: its `modules` were checked and compile. */
  validated(plugins: readonly string[], modules?: readonly M[]): void
  /**
   * The change is out of the batch (it belongs to no plugin, does not compile, or the file changed
   * again meanwhile). Does nothing once the change is in.
   */
  withdraw(): void
}

/** Timers, injectable for tests. */
export interface BatchClock {
  now(): number
  setTimeout(task: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const systemClock: BatchClock = {
  now: () => performance.now(),
  setTimeout: (task, ms) => setTimeout(task, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

interface Member<M> {
  file: string
  plugins: readonly string[]
  modules: readonly M[]
  /** Vite's timestamp of the change. */
  timestamp: number
  state: 'checking' | 'in' | 'out'
  release: (carried: readonly M[]) => void
}

interface Open<M> {
  id: number
  openedAt: number
  quietMs: number
  members: Member<M>[]
  timer: unknown
  /** The quiet time has passed: the batch closes as soon as every change is checked. */
  due: boolean
  /** Opened after a quiet spell with the shorter `first` quiet time, and no other change joined yet. */
  lone: boolean
}

/**
 * Coalesces the plugin changes of a burst (a checkout, a search-and-replace, "save all") into one
 * batch. A change joins the open batch as it arrives and is checked (compiled) meanwhile; the
 * batch closes once no change arrived for the quiet time and every change is checked, so a change
 * arriving while another is still being checked joins it too. A save that comes after a quiet
 * spell waits `first` (0 by default): only for its own check, which it waited for anyway; the
 * changes of a burst that arrive meanwhile join it, and each of them makes the quiet time `min`,
 * then twice as long. No batch takes changes for longer than `max`.
 */
export function createBatcher<M = unknown>(batchWindow: BatchWindow, announce: (batch: ClosedBatch) => void, clock: BatchClock = systemClock) {
  let open: Open<M> | undefined
  let nextId = 1
  let lastJoinAt = Number.NEGATIVE_INFINITY

  const close = (batch: Open<M>) => {
    if (open === batch) open = undefined
    clock.clearTimeout(batch.timer)
    const members = batch.members.filter((m) => m.state === 'in')
    if (members.length > 0) {
      announce({
        id: batch.id,
        files: [...new Set(members.map((m) => m.file))].sort(),
        plugins: [...new Set(members.flatMap((m) => m.plugins))].sort(),
        timestamp: members[0]!.timestamp,
      })
    }
    // The first change that is in carries the modules of all: one update for the whole batch.
    const carried = [...new Set(members.flatMap((m) => m.modules))]
    for (const member of batch.members) member.release(member === members[0] ? carried : [])
  }
  const closeIfReady = (batch: Open<M>) => {
    if (batch.due && batch.members.every((m) => m.state !== 'checking')) close(batch)
  }
  const schedule = (batch: Open<M>) => {
    clock.clearTimeout(batch.timer)
    const closesAt = Math.min(clock.now() + batch.quietMs, batch.openedAt + batchWindow.max)
    batch.timer = clock.setTimeout(() => {
      batch.due = true
      // Changes arriving while one is still being checked still join: the check takes longer
      // when the machine is busy, and so does the spread of a burst's file events.
      closeIfReady(batch)
    }, Math.max(0, closesAt - clock.now()))
  }

  return {
    /** A change of `file` arrived (join before anything is awaited: changes arriving together are one batch). */
    join(file: string, timestamp: number): BatchTicket<M> {
      let batch = open
      const now = clock.now()
      // Nothing changed for `max`: this change starts a burst, or is a save on its own.
      const afterQuiet = now - lastJoinAt >= batchWindow.max
      lastJoinAt = now
      // A batch open for `max` takes no more changes: the next one starts.
      if (batch && now - batch.openedAt >= batchWindow.max) batch = undefined
      const first = batchWindow.first ?? batchWindow.min
      if (batch) {
        batch.quietMs = Math.min(Math.max(batch.quietMs * 2, batchWindow.min), batchWindow.max)
        // A burst after all: its changes get the quiet time of one, even if the first's has passed.
        if (batch.lone) batch.due = false
        batch.lone = false
      } else {
        const lone = afterQuiet && first < batchWindow.min
        batch = open = { id: nextId++, openedAt: now, quietMs: lone ? first : batchWindow.min, members: [], timer: undefined, due: false, lone }
      }
      const opened = batch.members.length === 0
      const current = batch
      let release!: (carried: readonly M[]) => void
      const ready = new Promise<readonly M[]>((resolve) => (release = resolve))
      const member: Member<M> = { file, plugins: [], modules: [], timestamp, state: 'checking', release }
      current.members.push(member)
      schedule(current)
      const decide = (state: 'in' | 'out', plugins: readonly string[] = [], modules: readonly M[] = []) => {
        if (member.state !== 'checking') return
        member.state = state
        member.plugins = plugins
        member.modules = modules
        closeIfReady(current)
      }
      return { ready, opened, validated: (plugins, modules) => decide('in', plugins, modules), withdraw: () => decide('out') }
    },
    dispose(): void {
      if (open) clock.clearTimeout(open.timer)
      open = undefined
    },
  }
}
