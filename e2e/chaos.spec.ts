import { expect, test, type App } from './fixtures'

/**
 * Seeded chaos: sixty saves spread at random over four plugins, 0–200 ms apart — good
 * edits, syntax errors, an `activate` that throws, a `setReloadState` that throws (so fallback
 * reloads happen, and pages start on broken files) — then a good final version of each. Every
 * plugin must end on its final code with the state it had before, and the page must never throw.
 *
 * `CHAOS_SEEDS=1,2,3` picks the seeds, `CHAOS_SAVES=60` the number of saves; a failing test names
 * its seed in its title, and the saves it made.
 */
const SEEDS = (process.env.CHAOS_SEEDS ?? '11,23,37').split(',').map(Number)
const SAVES = Number(process.env.CHAOS_SAVES ?? 60)

type Kind = 'good' | 'syntax-error' | 'activate-throws' | 'set-state-throws'

interface Target {
  id: string
  file: string
  /** The line after which a version writes its marker (and maybe throws), inside `activate`. */
  activateLine: string
  /** Whether it has a `setReloadState` to break. */
  stateful: boolean
}

const TARGETS: Target[] = [
  { id: 'counter', file: 'src/plugins/counter/index.ts', activateLine: "  ctx.setTitle('Counter')", stateful: true },
  { id: 'notes', file: 'src/plugins/notes/index.ts', activateLine: "  ctx.setTitle('Notes')", stateful: true },
  { id: 'clock', file: 'src/plugins/clock/index.ts', activateLine: "  ctx.setTitle('Clock')", stateful: true },
  // Notes depends on it: each of its swaps stops and starts notes too.
  { id: 'theme', file: 'src/plugins/theme/index.ts', activateLine: "  ctx.setTitle('Theme')", stateful: false },
]

/** mulberry32: a small seeded PRNG, the same sequence for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One version of a plugin file, derived from its original content; `version` is what it marks. */
function variant(original: string, target: Target, kind: Kind, version: string): string {
  const marker = `  ;((globalThis as any).__chaos ??= {})[${JSON.stringify(target.id)}] = ${JSON.stringify(version)}`
  let code = original.replace(target.activateLine, `${target.activateLine}\n${marker}`)
  if (kind === 'activate-throws') code = code.replace(marker, `${marker}\n  throw new Error('chaos: activate of ${version}')`)
  if (kind === 'set-state-throws') {
    code = code.replace(/(export function setReloadState\([^)]*\) \{)/, `$1\n  throw new Error('chaos: setReloadState of ${version}')`)
  }
  if (kind === 'syntax-error') code += `\nconst = 'chaos ${version}'\n`
  if (code === original) throw new Error(`variant ${kind} of ${target.file} changed nothing`)
  return code
}

function pickKind(random: () => number, target: Target): Kind {
  const r = random()
  const kind: Kind = r < 0.4 ? 'good' : r < 0.6 ? 'syntax-error' : r < 0.8 ? 'activate-throws' : 'set-state-throws'
  return kind === 'set-state-throws' && !target.stateful ? 'activate-throws' : kind
}

/** Reads the page, or undefined while it is between two loads (a fallback reload). */
async function read<T>(app: App, read: () => T): Promise<T | undefined> {
  try {
    return await app.page.evaluate(read)
  } catch {
    return undefined
  }
}

interface Seen {
  versions: Record<string, string> | undefined
  count: string | null | undefined
  notes: string | undefined
  ticks: number
  buttons: number
}

const look = (app: App) =>
  read(app, (): Seen => ({
    versions: (globalThis as { __chaos?: Record<string, string> }).__chaos,
    count: document.querySelector('[data-testid="counter-value"]')?.textContent,
    notes: document.querySelector<HTMLTextAreaElement>('[data-testid="notes-text"]')?.value,
    ticks: Number.parseInt(document.querySelector('[data-testid="clock-ticks"]')?.textContent ?? '-1', 10),
    buttons: document.querySelectorAll('[data-testid="counter-button"]').length,
  }))

for (const seed of SEEDS) {
  test(`chaos seed ${seed}: ${SAVES} mixed saves over four plugins, then a good version of each: final code, state kept, no page error`, async ({ app }) => {
    test.setTimeout(120_000)
    const { page } = app
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    const originals = new Map(await Promise.all(TARGETS.map(async (t) => [t.id, await app.read(t.file)] as const)))

    // State that a plugin starting fresh could not have: the clock far ahead (its versions below
    // start at 0), the counter clicked, a note written.
    await app.edit('src/plugins/clock/index.ts', 'let ticks = 0', 'let ticks = 1000')
    await expect.poll(async () => (await app.events('reload-completed', 'clock')).length).toBe(1)
    const reloaded = app.expectReload()
    await page.reload()
    await reloaded
    await expect(page.getByTestId('clock-ticks')).toHaveText(/^10\d\d ticks$/)
    for (let i = 0; i < 3; i++) await page.getByTestId('counter-button').click()
    await page.getByTestId('notes-text').fill(`notes before chaos ${seed}`)
    await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
    const ticksBefore = (await look(app))!.ticks

    let loads = 0
    page.on('load', () => void loads++)
    const random = prng(seed)
    const plan: string[] = []
    for (let i = 1; i <= SAVES; i++) {
      const target = TARGETS[Math.floor(random() * TARGETS.length)]!
      const kind = pickKind(random, target)
      plan.push(`${i}:${target.id}:${kind}`)
      await app.write(target.file, variant(originals.get(target.id)!, target, kind, `v${i}`))
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 200)))
    }
    for (const target of TARGETS) await app.write(target.file, variant(originals.get(target.id)!, target, 'good', 'final'))

    const settled = async () => {
      const seen = await look(app)
      return (
        seen !== undefined &&
        TARGETS.every((t) => seen.versions?.[t.id] === 'final') &&
        seen.count === '3 clicks' &&
        seen.notes === `notes before chaos ${seed}` &&
        seen.ticks >= ticksBefore &&
        seen.buttons === 1
      )
    }
    await expect
      .poll(settled, { timeout: 40_000 })
      .toBe(true)
      .catch(async (error: unknown) => {
        await test.info().attach('console', { body: app.console.join('\n') })
        await test.info().attach('dev server log', { body: app.logs.join('\n') })
        throw new Error(`chaos seed ${seed} failed; the page shows ${JSON.stringify(await look(app))}; saves: ${plan.join(' ')}\n${String(error)}`)
      })
    expect(pageErrors, `seed ${seed}: page errors`).toEqual([])
    test.info().annotations.push({ type: 'chaos', description: `seed ${seed}: ${loads} page reloads; saves: ${plan.join(' ')}` })
    console.log(`chaos seed ${seed}: ${loads} page reloads`)
  })
}
