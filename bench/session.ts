import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test'
import { startDevServer, type DevServer } from '../e2e/dev-server'
import type { Edit, FixtureApp } from './fixtures'
import { armRenderWatch, clickAll, installLeakCounters, installPageTrace, pageNow, readPageTrace, resetPageTrace, type PageState } from './in-page'
import { attachServerTrace, type PageStamps, type TracedSave } from './trace'

/** Node's clock in epoch milliseconds: the same scale as the page's `performance.timeOrigin + now()`. */
export const nodeNow = (): number => performance.timeOrigin + performance.now()

/** Clicks each plugin gets after the page loads: its state, which every new version must show. */
export const CLICKS = 3

/**
 * A file is never written again sooner than this after its previous change was applied: chokidar
 * drops a `change` of a path seen less than 50 ms before, and saves of one file closer together
 * than the dev server's storm window (STORM_WINDOW_MS, 100 ms) are a storm, whose final content is
 * applied once the file is quiet — a single edit, as measured here, is a save on its own.
 */
const SAME_FILE_GAP_MS = 120

/**
 * Page clock minus Node clock, estimated from the round trip with the smallest delay (its
 * midpoint). Both clocks are epoch-based readings of the same system clock, so the samples are
 * not corrected by it; it is recorded as a check that they agree within the round trip.
 */
export interface ClockOffset {
  offsetMs: number
  rttMs: number
}

/** An app served by its own dev server and open in its own browser context. */
export interface Session {
  app: FixtureApp
  dev: DevServer
  context: BrowserContext
  page: Page
  cdp: CDPSession
  /** Measures the clock offset (a check). */
  calibrate(): Promise<ClockOffset>
  /**
   * Writes the edit and returns the time (ms) from just before the write (Node's clock) to the
   * moment the page shows every changed plugin's new text with its state (the page's clock).
   */
  measure(edit: Edit): Promise<number>
  /** With `trace`: each measured save, stamped phase by phase on both sides (trace.ts). */
  traces: TracedSave[]
  /** Per plugin, how many times new code of it took over since the page loaded. */
  updates(): Promise<Record<string, number>>
  /** Errors the host reported (failed loads, failed swaps), as messages. */
  failures(): Promise<string[]>
  close(): Promise<void>
}

export interface SessionOptions {
  /** Count timers and global listeners from before the page's first script (soak). */
  leakCounters?: boolean
  /** How long one edit may take before the sample fails. */
  timeoutMs?: number
  /** Stamp every save's way through the dev server and the page (trace.ts): a few wrappers, on both sides alike. */
  trace?: boolean
}

export async function openSession(browser: Browser, app: FixtureApp, options: SessionOptions = {}): Promise<Session> {
  const dev = await startDevServer(app.root)
  const context = await browser.newContext()
  if (options.leakCounters) await context.addInitScript(installLeakCounters)
  if (options.trace) await context.addInitScript(installPageTrace)
  const serverTrace = options.trace ? attachServerTrace(dev.server) : undefined
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  const lastWrite = new Map<string, number>()
  const timeoutMs = options.timeoutMs ?? 20_000

  // The page says when a sample rendered: nothing is sent to it while the sample runs.
  let rendered: { resolve(at: number): void; reject(error: Error): void } | undefined
  await page.exposeFunction('__benchRendered', (at: number | null, error?: string) => {
    if (at === null) rendered?.reject(new Error(error ?? 'the page did not render'))
    else rendered?.resolve(at)
    rendered = undefined
  })
  const connected = page.waitForEvent('console', { predicate: (m) => m.text().includes('[vite] connected'), timeout: 60_000 })
  await page.goto(dev.url)
  await connected
  await page.waitForFunction((count) => (window as unknown as PageState).__bench?.active === count, app.ids.length, { timeout: 120_000 })
  await page.evaluate(clickAll, CLICKS)

  const session: Session = {
    app,
    dev,
    context,
    page,
    cdp,
    traces: [],
    async calibrate() {
      let best: ClockOffset = { offsetMs: 0, rttMs: Number.POSITIVE_INFINITY }
      for (let i = 0; i < 25; i++) {
        const before = nodeNow()
        const inPage = await page.evaluate(pageNow)
        const after = nodeNow()
        if (after - before < best.rttMs) best = { offsetMs: inPage - (before + after) / 2, rttMs: after - before }
      }
      return best
    },
    async measure(edit) {
      const due = Math.max(0, ...edit.files.map((file) => (lastWrite.get(file) ?? 0) + SAME_FILE_GAP_MS - nodeNow()))
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due))
      const traced = edit.files[0]
      if (serverTrace && traced) {
        await page.evaluate(resetPageTrace)
        serverTrace.reset(traced)
      }
      const renderedAt = new Promise<number>((resolve, reject) => (rendered = { resolve, reject }))
      await page.evaluate(armRenderWatch, { expected: edit.expected, timeoutMs })
      const savedAt = nodeNow()
      edit.write()
      // Node does nothing else until the page reports the render (the save → DOM method).
      const at = await renderedAt
      // The watcher's event came before the render: count the gap from here.
      for (const file of edit.files) lastWrite.set(file, nodeNow())
      if (serverTrace && traced) {
        const stamps = (await page.evaluate(readPageTrace, traced)) as Omit<PageStamps, 'rendered'>
        session.traces.push({ savedAt, server: serverTrace.read(), page: { ...stamps, rendered: at } })
      }
      return at - savedAt
    },
    updates: () => page.evaluate(() => ({ ...(window as unknown as PageState).__bench.updates })),
    failures: () => page.evaluate(() => [...(window as unknown as PageState).__bench.failures]),
    async close() {
      await context.close()
      await dev.server.close()
    },
  }
  return session
}

/** Deliberate pacing between samples, so one sample's tail work never lands in the next. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
