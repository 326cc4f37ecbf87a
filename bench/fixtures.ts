import { writeFileSync } from 'node:fs'
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { reactMainSource, reactPluginSource, reactViteConfig } from './react-fixture'

// The apps the benchmark measures, written as source text into bench/.work (inside the workspace,
// so Vite may serve the linked packages). Every pair is equivalent: the same plugin modules doing
// the same DOM work; "ours" loads them through hotPlugins() and the plugin host, "plain" through
// import.meta.glob with Vite's own HMR.

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** The playground's node_modules holds vite, the client and the Vite plugin (workspace links). */
const sharedNodeModules = path.join(repoRoot, 'playground', 'node_modules')
export const defaultWorkDir = path.join(repoRoot, 'bench', '.work')

/** Which side of a comparison an app is: ours, plain Vite HMR, or React Fast Refresh (`hmr` only). */
export type Side = 'ours' | 'plain' | 'react'

/**
 * - `hmr`: every plugin module renders `<p data-bench=id>` with its version, the helper's tag and a
 *   click count. Ours: plugin entries with activate/getReloadState/setReloadState. Plain: the same
 *   modules, which also start themselves, accept their own updates and hand the count on in
 *   `import.meta.hot.data`.
 * - `soak`: as `hmr`, and each instance also starts an interval timer, listens on window and
 *   document, and registers a WeakRef of itself, all undone by its teardown (ours) or dispose (plain).
 * - `boot`: plugin entries started by the plugin host; plain gets them from import.meta.glob (lazy,
 *   like the registry) instead of virtual:hot-plugins. Used for cold starts.
 */
export type AppKind = 'hmr' | 'soak' | 'boot'

export interface AppSpec {
  name: string
  side: Side
  kind: AppKind
  plugins: number
  /** Source text of extra hotPlugins() options, e.g. `state: { persist: false }` (ours only). */
  hotPluginsOptions?: string
}

/** A change to make on disk: the new code is active once every listed plugin shows its text. */
export interface Edit {
  files: string[]
  /** Plugin id → the text it renders once its new code runs (with `clicks` clicks of state). */
  expected: Record<string, string>
  /** Writes every file, one right after the other, as an editor saves. */
  write(): void
}

export interface FixtureApp {
  spec: AppSpec
  root: string
  /** Plugin ids, in the order the host starts them. */
  ids: string[]
  /** The next version of these plugins' entry files. */
  planPlugins(ids: readonly string[], clicks: number): Edit
  /** The next version of the helper every plugin imports: all of them change. */
  planHelper(clicks: number): Edit
}

const PLUGIN_GLOB = 'src/plugins/*/index.ts'
const pluginFile = (spec: AppSpec, id: string) => `src/plugins/${id}/index.${spec.side === 'react' ? 'tsx' : 'ts'}`
const HELPER_FILE = 'src/shared/helper.ts'

function pluginIds(count: number): string[] {
  const width = String(Math.max(count - 1, 0)).length
  return Array.from({ length: count }, (_, i) => `p${String(i).padStart(width, '0')}`)
}

/** Writes the app into `workDir/<name>` (replacing any earlier copy) and links node_modules. */
export async function createApp(workDir: string, spec: AppSpec): Promise<FixtureApp> {
  const root = path.join(workDir, spec.name)
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  await symlink(sharedNodeModules, path.join(root, 'node_modules'), 'dir')
  const ids = pluginIds(spec.plugins)
  const versions = new Map(ids.map((id) => [id, 1]))
  /**
   * An edit of an existing file. Synchronous, so that its truncation and its write reach the
   * watcher together: written asynchronously, the two could be seen as two changes more than 50 ms
   * apart on a loaded machine, and sent as two updates.
   */
  const save = (file: string, content: string) => writeFileSync(path.join(root, file), content)
  const write = async (file: string, content: string) => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true })
    await writeFile(path.join(root, file), content)
  }
  let helperVersion = 1
  const expected = (changed: readonly string[], clicks: number) =>
    Object.fromEntries(changed.map((id) => [id, renderedText(id, versions.get(id) ?? 0, helperVersion, clicks)]))
  const app: FixtureApp = {
    spec,
    root,
    ids,
    planPlugins(changed, clicks) {
      const sources = changed.map((id) => {
        const version = (versions.get(id) ?? 0) + 1
        versions.set(id, version)
        return [pluginFile(spec, id), pluginSource(spec, id, version)] as const
      })
      return {
        files: sources.map(([file]) => file),
        expected: expected(changed, clicks),
        write: () => sources.forEach(([file, source]) => save(file, source)),
      }
    },
    planHelper(clicks) {
      helperVersion += 1
      const source = helperSource(helperVersion)
      return { files: [HELPER_FILE], expected: expected(ids, clicks), write: () => save(HELPER_FILE, source) }
    },
  }
  await write('index.html', INDEX_HTML)
  await write('vite.config.ts', viteConfig(spec))
  await write('src/main.ts', mainSource(spec))
  await write(HELPER_FILE, helperSource(helperVersion))
  // One file after the other: 1,000 concurrent writes only queue up in libuv anyway.
  for (const id of ids) await write(pluginFile(spec, id), pluginSource(spec, id, 1))
  return app
}

/** What a plugin renders: its id, code version, the helper's tag, and its state (a click count). */
function renderedText(id: string, version: number, helperVersion: number, count: number): string {
  return `${id} v${version} h${helperVersion} count ${count}`
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="UTF-8" /><link rel="icon" href="data:," /><title>bench</title></head>
  <body><div id="app"></div><script type="module" src="/src/main.ts"></script></body>
</html>
`

function viteConfig(spec: AppSpec): string {
  if (spec.side === 'react') return reactViteConfig
  if (spec.side === 'plain') return `import { defineConfig } from 'vite'\n\nexport default defineConfig({})\n`
  const options = [`plugins: '${PLUGIN_GLOB}'`, spec.hotPluginsOptions].filter(Boolean).join(', ')
  return [
    `import { defineConfig } from 'vite'`,
    `import hotPlugins from 'vite-plugin-hot-plugins'`,
    ``,
    `export default defineConfig({ plugins: [hotPlugins({ ${options} })] })`,
    ``,
  ].join('\n')
}

const helperSource = (version: number) => `export const tag = 'h${version}'\n`

/**
 * The page's side of the measurement, the same on both sides: one panel per plugin, and
 * `window.__bench` with the time every plugin first ran (`ready`, epoch ms) and, per plugin, how
 * many times new code of it took over since (`updates`).
 */
const BENCH_GLOBALS = `
interface BenchGlobals {
  ready?: number
  active?: number
  updates: Record<string, number>
  failures: string[]
  instances: WeakRef<object>[]
  evaluatedAt?: number
  lastReload?: { at: number; durationMs: number; phases?: unknown }
}
const bench: BenchGlobals = ((window as any).__bench = { updates: {}, failures: [], instances: [] })
const app = document.querySelector('#app')!
const panelFor = (id: string): HTMLElement => {
  const panel = document.createElement('section')
  panel.dataset.panel = id
  app.append(panel)
  return panel
}
`

function mainSource(spec: AppSpec): string {
  if (spec.side === 'react') return reactMainSource(BENCH_GLOBALS)
  if (spec.side === 'plain' && spec.kind !== 'boot') {
    return `${BENCH_GLOBALS}
const modules = import.meta.glob('./plugins/*/index.ts')
const paths = Object.keys(modules).sort()
for (const path of paths) panelFor(path.split('/')[2]!)
Promise.all(paths.map((path) => modules[path]!())).then(() => {
  bench.active = paths.length
  bench.ready = performance.timeOrigin + performance.now()
})
`
  }
  const entries =
    spec.side === 'ours'
      ? `import plugins from 'virtual:hot-plugins'`
      : [
          `// What virtual:hot-plugins gives a build: a list of lazily imported entries.`,
          `const modules = import.meta.glob<PluginModule>('./plugins/*/index.ts')`,
          `const plugins = Object.keys(modules).sort().map((file) => ({ id: file.split('/')[2]!, file, load: modules[file]! }))`,
        ].join('\n')
  return `import { createPluginHost${spec.side === 'plain' ? ', type PluginModule' : ''} } from '@hot-plugins/client'
${spec.side === 'ours' ? entries : ''}
${BENCH_GLOBALS}
${spec.side === 'plain' ? entries : ''}
const host = createPluginHost<{ panel: HTMLElement }>({ context: ({ id }) => ({ panel: panelFor(id) }) })
host.on('reload-completed', (e) => {
  bench.updates[e.id] = (bench.updates[e.id] ?? 0) + 1
  bench.lastReload = { at: performance.timeOrigin + performance.now(), durationMs: e.durationMs, phases: e.phases }
})
host.on('reload-failed', (e) => bench.failures.push(e.error.message))
host.on('plugin-failed', (e) => bench.failures.push(e.error.message))
host.start(plugins).then((report) => {
  bench.active = report.active.length
  bench.ready = performance.timeOrigin + performance.now()
})
`
}

/**
 * One plugin's code: the statements that start an instance and those that undo it, wrapped as an
 * entry with activate/getReloadState/setReloadState (ours, and every cold-start app); plain: the
 * same entry, which also starts itself and accepts its own updates, its state in `import.meta.hot.data`.
 */
function pluginSource(spec: AppSpec, id: string, version: number): string {
  if (spec.side === 'react') return reactPluginSource(id, version)
  const soak = spec.kind === 'soak'
  // Its first statement stamps when a new version of it begins to run (the bench's trace).
  const head = `import { tag } from '../../shared/helper'
;(window as any).__bench.evaluatedAt = performance.timeOrigin + performance.now()

const id = ${JSON.stringify(id)}
const version = ${version}
`
  const start = [
    `el = document.createElement('p')`,
    `el.dataset.bench = id`,
    `el.onclick = () => {`,
    `  count += 1`,
    `  render()`,
    `}`,
    ...(soak
      ? [
          `const instance = { el, onResize: () => render(), onKey: () => render(), timer: setInterval(() => render(), 60_000) }`,
          `addEventListener('resize', instance.onResize)`,
          `document.addEventListener('keydown', instance.onKey)`,
          `;(window as any).__bench.instances.push(new WeakRef(instance))`,
          `live = instance`,
        ]
      : []),
  ]
  const stop = [
    ...(soak
      ? [
          `if (live) {`,
          `  clearInterval(live.timer)`,
          `  removeEventListener('resize', live.onResize)`,
          `  document.removeEventListener('keydown', live.onKey)`,
          `  live = null`,
          `}`,
        ]
      : []),
    `el?.remove()`,
    `el = null`,
  ]
  const render = `const render = () => {
  if (el) el.textContent = \`\${id} v\${version} \${tag} count \${count}\`
}
`
  const liveDecl = soak ? `let live: { el: HTMLElement; onResize(): void; onKey(): void; timer: ReturnType<typeof setInterval> } | null = null\n` : ''
  const indent = (lines: string[], by: string) => lines.map((line) => by + line).join('\n')

  const entry = `${head}
let count = 0
let el: HTMLElement | null = null
${liveDecl}${render}
export function activate(ctx: { panel: HTMLElement }) {
${indent(start, '  ')}
  ctx.panel.append(el)
  render()
  return () => {
${indent(stop, '    ')}
  }
}

export function getReloadState() {
  return { count }
}

export function setReloadState(state: { count: number }) {
  count = state.count
  render()
}
`
  if (spec.side === 'ours' || spec.kind === 'boot') return entry
  // The same module, which starts itself and hands its state on through Vite's HMR: each version
  // carries the same code on both sides, and only who runs it differs.
  return `${entry}
const bench = (window as any).__bench
const teardown = activate({ panel: document.querySelector(\`[data-panel="\${id}"]\`)! })
if (import.meta.hot?.data.state) {
  setReloadState(import.meta.hot.data.state)
  bench.updates[id] = (bench.updates[id] ?? 0) + 1
}

if (import.meta.hot) {
  import.meta.hot.dispose((data) => {
    data.state = getReloadState()
    teardown()
  })
  import.meta.hot.accept()
}
`
}
