import type { Browser } from '@playwright/test'
import { rm } from 'node:fs/promises'
import os from 'node:os'
import { version as viteVersion } from 'vite'
import { createBenchContext, type BenchContext } from './context'
import { defaultWorkDir } from './fixtures'
import type { Profile } from './profile'
import type { Results } from './results'
import { batch } from './scenarios/batch'
import { scale } from './scenarios/scale'
import { debounce, persist, single } from './scenarios/single'
import { soak } from './scenarios/soak'
import { feed } from './scenarios/feed'
import { nodeNow } from './session'
import { round } from './stats'

export const SCENARIOS = { single, persist, debounce, batch, scale, soak, feed } as const
export type ScenarioName = keyof typeof SCENARIOS

export interface RunOptions {
  /** Which scenarios, in this order. @default all */
  scenarios?: readonly ScenarioName[]
  /** Where fixture apps are written; removed afterwards. @default bench/.work */
  workDir?: string
  log?: (message: string) => void
}

/** Runs the scenarios one after the other in this browser; each starts and stops its own dev servers. */
export async function runBenchmark(browser: Browser, profile: Profile, options: RunOptions = {}): Promise<Results> {
  const workDir = options.workDir ?? defaultWorkDir
  const log = options.log ?? (() => {})
  const bench: BenchContext = createBenchContext(browser, profile, workDir, log)
  const startedAt = nodeNow()
  const results: Results = {
    generatedAt: new Date().toISOString(),
    profile: profile.name,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      chromium: browser.version(),
      vite: viteVersion,
      loadAverage: { start: os.loadavg().map((n) => round(n)), end: [] },
    },
    durationS: 0,
    scenarios: {},
  }
  try {
    for (const name of options.scenarios ?? (Object.keys(SCENARIOS) as ScenarioName[])) {
      log(`${name}…`)
      const scenarioStart = nodeNow()
      ;(results.scenarios as Record<string, unknown>)[name] = await SCENARIOS[name](bench)
      log(`${name} done in ${((nodeNow() - scenarioStart) / 1000).toFixed(1)} s`)
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
  results.machine.loadAverage.end = os.loadavg().map((n) => round(n))
  results.durationS = round((nodeNow() - startedAt) / 1000, 1)
  return results
}
