#!/usr/bin/env node
// `pnpm bench [--compare <results.json>]`: runs the benchmark (bench.spec.ts) in Playwright. With
// --compare, the run's figures are checked against that earlier run's; the command fails when one
// got worse by more than its spread. Scenarios are chosen with BENCH_SCENARIOS=single,scale.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const args = process.argv.slice(2)
const env = { ...process.env }
const at = args.indexOf('--compare')
if (at >= 0) {
  const file = args[at + 1]
  if (!file || file.startsWith('--')) {
    console.error('pnpm bench --compare: name the results to compare with, e.g. pnpm bench --compare bench/results.json')
    process.exit(2)
  }
  if (!existsSync(file)) {
    console.error(`pnpm bench --compare: ${file} does not exist`)
    process.exit(2)
  }
  env.BENCH_COMPARE = path.resolve(file)
  args.splice(at, 2)
}
const result = spawnSync('playwright', ['test', '-c', 'bench/playwright.config.ts', ...args], { stdio: 'inherit', env, shell: process.platform === 'win32' })
process.exit(result.status ?? 1)
