import { expect, test } from '@playwright/test'
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { runBenchmark, SCENARIOS, type ScenarioName } from './benchmark'
import { repoRoot } from './fixtures'
import { FULL } from './profile'
import { compareResults, formatComparison } from './compare'
import { formatTable, formatTrace } from './report'

// `pnpm bench`: every scenario at full size; prints the table and writes bench/results.json.
// BENCH_SCENARIOS=single,batch runs some of them (and then writes bench/results.partial.json).
// `pnpm bench --compare bench/results.json` (BENCH_COMPARE) writes results.partial.json too, and
// fails when a figure got worse than in that run by more than its spread.

test('benchmark: our hot swap against plain Vite HMR', async ({ browser }) => {
  const chosen = process.env.BENCH_SCENARIOS?.split(',').map((name) => name.trim()).filter(Boolean)
  const unknown = chosen?.filter((name) => !(name in SCENARIOS))
  if (unknown?.length) throw new Error(`BENCH_SCENARIOS: unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`)
  const [load1] = os.loadavg()
  if (load1! > os.cpus().length * 0.5) {
    console.warn(`load average ${load1!.toFixed(2)} on ${os.cpus().length} cores: the numbers will be noisy; prefer a quiet machine`)
  }
  const results = await runBenchmark(browser, FULL, {
    ...(chosen ? { scenarios: chosen as ScenarioName[] } : {}),
    log: (message) => console.log(`[bench] ${message}`),
  })
  const comparedWith = process.env.BENCH_COMPARE
  const file = path.join(repoRoot, 'bench', chosen || comparedWith ? 'results.partial.json' : 'results.json')
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\n${formatTable(results)}\n`)
  const trace = formatTrace(results)
  if (trace) console.log(`${trace}\n`)
  console.log(`load average ${results.machine.loadAverage.start.join(' ')} → ${results.machine.loadAverage.end.join(' ')}; ${results.durationS} s; raw samples in ${path.relative(process.cwd(), file)}`)
  if (comparedWith) {
    const committed = JSON.parse(await readFile(comparedWith, 'utf8')) as { generatedAt?: string; scenarios: unknown }
    const comparisons = compareResults(committed, results)
    console.log(`\n${formatComparison(comparisons, `${path.relative(process.cwd(), comparedWith)} (${committed.generatedAt ?? 'undated'})`)}\n`)
    const worse = comparisons.filter((c) => c.worse).map((c) => `${c.figure} (${c.before.p50} → ${c.now.p50} ms)`)
    expect(worse, `figures worse than in ${comparedWith} by more than their spread`).toEqual([])
  }
})
