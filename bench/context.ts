import type { Browser } from '@playwright/test'
import { createApp, type AppSpec } from './fixtures'
import { PACE_MS, type Profile } from './profile'
import { openSession, pause, type Session, type SessionOptions } from './session'

/** What every scenario gets. */
export interface BenchContext {
  browser: Browser
  profile: Profile
  /** Where fixture apps are written (inside the workspace). */
  workDir: string
  log(message: string): void
  /** Writes the app and opens it in its own dev server and browser context. */
  open(spec: AppSpec, options?: SessionOptions): Promise<Session>
}

export function createBenchContext(browser: Browser, profile: Profile, workDir: string, log: (message: string) => void): BenchContext {
  return {
    browser,
    profile,
    workDir,
    log,
    open: async (spec, options) => openSession(browser, await createApp(workDir, spec), options),
  }
}

/**
 * Takes `warmup + samples` samples from each session, alternating between them (ABBA: the side
 * that goes first swaps every round), so load on the machine hits every side alike. The first
 * `warmup` rounds are not kept. Returns one list of samples per session.
 */
export async function interleave(
  sessions: readonly Session[],
  counts: { warmup: number; samples: number },
  sample: (session: Session, kept: boolean) => Promise<number>,
  paceMs = PACE_MS,
): Promise<number[][]> {
  const kept = sessions.map((): number[] => [])
  for (let round = 0; round < counts.warmup + counts.samples; round++) {
    const order = sessions.map((_, i) => i)
    if (round % 2 === 1) order.reverse()
    for (const i of order) {
      const keep = round >= counts.warmup
      const value = await sample(sessions[i] as Session, keep)
      if (keep) kept[i]!.push(value)
      await pause(paceMs)
    }
  }
  return kept
}

/** Fails the run when the page reported errors: the samples would not measure a working swap. */
export async function expectNoFailures(session: Session): Promise<void> {
  const failures = await session.failures()
  if (failures.length > 0) throw new Error(`${session.app.spec.name}: the page reported errors: ${failures.join('; ')}`)
}

/**
 * How many times new code of each plugin took over, summed (fails the run on page errors). Every
 * edit shows in the page before its sample ends; more updates than edits means the dev server
 * sent one save twice (its watcher saw two changes, as it may on a loaded machine).
 */
export async function countUpdates(session: Session): Promise<number> {
  await expectNoFailures(session)
  return Object.values(await session.updates()).reduce((sum, n) => sum + n, 0)
}

export async function closeAll(sessions: readonly Session[]): Promise<void> {
  for (const session of sessions) await session.close()
}
