import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, test, type Page } from '@playwright/test'
import { parseReadmeBlocks, readReadmeBlocks } from './readme-blocks'

// A user's path: pack both packages, install the tarballs into a new Vite app outside this
// workspace (with the locked Vite, the newest Vite 8 and the newest Vite 7), build it from the code
// blocks of each README in turn (see readme-blocks.ts), type-check it, start its own dev server and
// hot-swap its plugin in Chromium.

const run = promisify(execFile)
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The environment for tools run in the app: nothing inherited from this workspace's scripts. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
  for (const key of Object.keys(env)) {
    if (/^(npm_config_|npm_package_|npm_lifecycle_|PNPM_SCRIPT)/i.test(key)) delete env[key]
  }
  delete env.NODE_ENV
  return env
}

/** `tar -tzf`: the paths in a tarball. */
async function tarList(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball])
  return stdout.split('\n').filter(Boolean)
}

async function tarRead(tarball: string, file: string): Promise<string> {
  const { stdout } = await run('tar', ['-xzOf', tarball, file])
  return stdout
}

/** Every file an `exports` map points at. */
function exportTargets(exportsMap: unknown): string[] {
  if (typeof exportsMap === 'string') return [exportsMap]
  if (exportsMap === null || typeof exportsMap !== 'object') return []
  return Object.values(exportsMap).flatMap(exportTargets)
}

/** Checks a packed tarball: what it must ship, and nothing from tests or the build setup. */
async function expectTarball(tarball: string, required: string[]): Promise<Record<string, any>> {
  const files = (await tarList(tarball)).map((f) => f.replace(/^package\//, ''))
  const manifest = JSON.parse(await tarRead(tarball, 'package/package.json'))
  const exported = exportTargets(manifest.exports).map((f) => f.replace(/^\.\//, ''))
  for (const file of ['package.json', 'README.md', 'LICENSE', ...required, ...exported]) {
    expect(files, `${path.basename(tarball)} ships ${file}`).toContain(file)
  }
  const unwanted = files.filter((f) => /(^|\/)(test|tests|__tests__|node_modules)\/|\.test\.|\.types\.ts$|tsconfig|\.tsbuildinfo$/.test(f))
  expect(unwanted, `${path.basename(tarball)} ships test or build files`).toEqual([])
  expect(files.filter((f) => f.endsWith('.js')).every((f) => f.startsWith('dist/'))).toBe(true)
  expect(JSON.stringify(manifest), 'no workspace: protocol left in the packed manifest').not.toContain('workspace:')
  expect(manifest.peerDependencies?.vite).toBe('^7.0.0 || ^8.0.0')
  expect(manifest.type).toBe('module')
  expect(manifest.sideEffects).toBe(false)
  expect(manifest.engines?.node).toBeTruthy()
  return manifest
}

/** A port no server listens on now (Vite 7 reads `--port 0` as "the default port", 5173). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Starts the app's own Vite (its CLI, as `pnpm vite` would) and resolves with its URL. */
async function startVite(app: string, logs: string[]): Promise<{ url: string; child: ChildProcess }> {
  const port = String(await freePort())
  const child = spawn(process.execPath, [path.join(app, 'node_modules/vite/bin/vite.js'), '--port', port, '--strictPort', '--clearScreen', 'false'], {
    cwd: app,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        logs.push(line)
        const url = /Local:\s+(http:\/\/\S+)/.exec(line)?.[1]
        if (url) resolve({ url, child })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`vite exited with ${code} before it listened:\n${logs.join('\n')}`)))
  })
}

async function stopVite(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}


/** The READMEs whose code the consumer app is built from, each in turn. */
const READMES = ['README.md', 'packages/vite-plugin-hot-plugins/README.md', 'packages/client/README.md']

/** The tsconfig.json of create-vite's vanilla-ts template (with `strict`, its compiler's default). */
const TSCONFIG = {
  compilerOptions: {
    target: 'es2023',
    module: 'esnext',
    lib: ['ES2023', 'DOM'],
    types: ['vite/client'],
    skipLibCheck: true,
    moduleResolution: 'bundler',
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    moduleDetection: 'force',
    noEmit: true,
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    erasableSyntaxOnly: true,
    noFallthroughCasesInSwitch: true,
  },
  include: ['src'],
}

const INDEX_HTML =
  '<!doctype html>\n<html><head><meta charset="UTF-8" /><link rel="icon" href="data:," /></head>\n' +
  '<body><script type="module" src="/src/main.ts"></script></body></html>\n'

/** Not from a README: what the type references promise, checked from the installed packages. */
const TYPES_CHECK = [
  "import { definePlugin } from '@hot-plugins/client'",
  'if (import.meta.hot) {',
  "  import.meta.hot.on('hot-plugins:update', (e) => {",
  '    const owners: string[] = e.plugins',
  '    void owners',
  '    // @ts-expect-error the payload is typed',
  '    void e.notAProperty',
  '  })',
  '}',
  '// @ts-expect-error activate is required',
  'definePlugin({})',
  '',
].join('\n')

const RELOADED_COUNTER = /\[hot-plugins\] reloaded counter in \d+ ms, state kept/
const ENTRY = /^src\/plugins\/[^/]+\/index\.tsx?$/

/** The version of a package installed in this workspace. */
const lockedVersion = async (pkg: string): Promise<string> =>
  JSON.parse(await readFile(path.join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version

/** The newest version of a Vite major (`7`, `8`) the registry serves. */
async function newestVite(major: number): Promise<string> {
  const { stdout } = await run('npm', ['view', `vite@^${major}`, 'version', '--json'], { env: cleanEnv() })
  const versions = JSON.parse(stdout) as string | string[]
  return Array.isArray(versions) ? versions.at(-1)! : versions
}

let packs: string
let tarballs: { client: string; plugin: string }

test.beforeAll(async () => {
  test.setTimeout(240_000) // packing builds both packages
  packs = await mkdtemp(path.join(os.tmpdir(), 'hot-plugins-packs-'))
  await run('pnpm', ['--filter', './packages/*', 'pack', '--pack-destination', packs], { cwd: repoRoot, env: cleanEnv() })
  const files = await readdir(packs)
  tarballs = {
    client: path.join(packs, files.find((f) => f.startsWith('hot-plugins-client-'))!),
    plugin: path.join(packs, files.find((f) => f.startsWith('vite-plugin-hot-plugins-'))!),
  }
})

test.afterAll(async () => {
  if (packs) await rm(packs, { recursive: true, force: true })
})

test('the packed tarballs ship what they must and nothing from tests or the build setup', async () => {
  await expectTarball(tarballs.client, ['dist/index.js', 'dist/index.d.ts', 'dist/hot.js', 'dist/devtools/index.js', 'dist/devtools/index.d.ts', 'dist/protocol/index.d.ts', 'virtual.d.ts', 'hmr-events.d.ts'])
  const pluginManifest = await expectTarball(tarballs.plugin, ['dist/index.js', 'dist/index.d.ts', 'dist/options.d.ts'])
  expect(pluginManifest.peerDependencies['@hot-plugins/client']).toMatch(/^\^\d/)
  // Vite DevTools is optional: the tested range, and no install warning without it.
  expect([pluginManifest.peerDependencies['@vitejs/devtools'], pluginManifest.peerDependenciesMeta?.['@vitejs/devtools']?.optional]).toEqual(['~0.8.0', true])
})

test('every code block of the READMEs is a file, a fragment or a skip with a reason', async () => {
  for (const readme of READMES) {
    const blocks = await readReadmeBlocks(repoRoot, readme)
    const files = blocks.filter((b) => b.check === 'file').map((b) => b.file)
    expect(files, `${readme} sets up an app`).toEqual(expect.arrayContaining(['src/main.ts', 'src/hot-plugins.d.ts', 'src/plugins/counter/index.ts']))
  }
  // The parser itself: a path comment makes a file, a marker overrides it, a skip needs a reason.
  const parsed = parseReadmeBlocks('x.md', '```ts\n// src/a.ts: a file\n```\n\n<!-- readme-check: fragment -->\n```ts\n// src/b.ts\n```\n```ts\nlet c = 1\n```\n```sh\nls\n```\n')
  expect(parsed.map((b) => [b.check, b.file, b.line])).toEqual([['file', 'src/a.ts', 1], ['fragment', undefined, 6], ['fragment', undefined, 9]])
  expect(() => parseReadmeBlocks('x.md', '<!-- readme-check: skip -->\n```ts\nx\n```\n')).toThrow(/must say why/)
})

for (const vite of [
  { name: 'the locked Vite', version: () => lockedVersion('vite') },
  { name: 'the newest Vite 8', version: () => newestVite(8) },
  { name: 'the newest Vite 7', version: () => newestVite(7) },
  // The low end of the peer range: hook filters, `applyToEnvironment` and `hotUpdate` are there.
  { name: 'Vite 7.0.0', version: async () => '7.0.0' },
]) {
  test(`the READMEs' code, installed with the packed packages into a new app, type-checks and hot-swaps (${vite.name})`, async ({ page }) => {
    test.setTimeout(300_000) // installing, then three apps with a type check per step, on two cores
    const version = await vite.version()
    test.info().annotations.push({ type: 'vite', description: version })
    const app = await mkdtemp(path.join(os.tmpdir(), 'hot-plugins-consumer-'))
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    try {
      await writeIn(app, 'package.json', JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }, null, 2))
      await writeIn(app, 'index.html', INDEX_HTML)
      await writeIn(app, 'tsconfig.json', JSON.stringify(TSCONFIG, null, 2))
      const install = await run(
        'pnpm',
        // vitest: the README's plugin test (@hot-plugins/client/testing) type-checks against it.
        ['add', '-D', '--prefer-offline', `vite@${version}`, `typescript@${await lockedVersion('typescript')}`, `vitest@${await lockedVersion('vitest')}`, tarballs.client, tarballs.plugin],
        { cwd: app, env: cleanEnv() },
      )
      expect(`${install.stdout}\n${install.stderr}`).not.toMatch(/unmet peer|missing peer/i)
      const installed = JSON.parse(await readFile(path.join(app, 'node_modules/vite/package.json'), 'utf8')).version
      expect(installed).toBe(version)

      for (const readme of READMES) {
        await test.step(readme, () => runReadme(app, readme, page))
      }
      expect(pageErrors).toEqual([])
    } finally {
      await rm(app, { recursive: true, force: true })
    }
  })
}

async function writeIn(app: string, file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(app, file)), { recursive: true })
  // At once, as an editor saves: an asynchronous write truncates the file and fills it in two steps,
  // and a busy machine may read it (and swap it in) in between.
  writeFileSync(path.join(app, file), content)
}

/**
 * Builds the app from one README: its first block of each file (and `vite.config.ts` from the
 * root README where it has none), its fragments as modules of their own; type-checks it; runs it
 * and hot-swaps the counter with its state; then writes each later block of a file as an edit
 * (type-checked, and swapped in with the state when it is a plugin entry); finally deletes the
 * plugin and expects no trace of it in the page.
 */
async function runReadme(app: string, readme: string, page: Page): Promise<void> {
  const blocks = (await readReadmeBlocks(repoRoot, readme)).filter((b) => b.check !== 'skip')
  const files = blocks.filter((b) => b.check === 'file')
  const firsts = files.filter((b, i) => files.findIndex((o) => o.file === b.file) === i)
  const edits = files.filter((b) => !firsts.includes(b))
  const fragments = blocks.filter((b) => b.check === 'fragment')

  await rm(path.join(app, 'src'), { recursive: true, force: true })
  if (!firsts.some((b) => b.file === 'vite.config.ts')) {
    const rootConfig = (await readReadmeBlocks(repoRoot, 'README.md')).find((b) => b.file === 'vite.config.ts')!
    await writeIn(app, 'vite.config.ts', rootConfig.code)
  }
  for (const block of firsts) await writeIn(app, block.file!, block.code)
  for (const block of fragments) {
    const name = `${readme.replace(/[^\w]+/g, '-')}-line-${block.line}.${block.lang}`
    await writeIn(app, `src/readme-fragments/${name}`, block.code)
  }
  await writeIn(app, 'src/types-check.ts', TYPES_CHECK)
  await typecheck(app, `${readme}: the app as first set up`)

  const logs: string[] = []
  const { url, child } = await startVite(app, logs)
  try {
    const connected = page.waitForEvent('console', (m) => m.text().includes('[vite] connected'))
    await page.goto(url)
    await connected
    // The devtools are a module of their own, imported on demand: installed, they still arrive.
    await expect(page.locator('hot-plugins-devtools'), `${readme}: the devtools panel mounts`).toHaveCount(1)
    const button = page.locator('[data-plugin="counter"] button')
    await expect(button).toHaveText('0 clicks')
    await page.evaluate(() => ((window as { __loadedOnce?: boolean }).__loadedOnce = true))
    let clicks = 0
    const click = async (times: number) => {
      for (let i = 0; i < times; i++) await button.click()
      clicks += times
      await expect(button).toHaveText(new RegExp(`^${clicks} `))
    }
    let swaps = 0
    const swapped = async () => {
      swaps += 1
      await expect.poll(() => logs.filter((l) => RELOADED_COUNTER.test(l)).length, `${readme}: swap ${swaps} of the counter`).toBe(swaps)
    }

    await click(3)
    const counter = firsts.find((b) => b.file === 'src/plugins/counter/index.ts')!
    const edited = counter.code.replace('`${count} clicks`', '`${count} taps`')
    expect(edited, `${readme}: the counter renders \`\${count} clicks\``).not.toBe(counter.code)
    await writeIn(app, counter.file!, edited)
    await expect(button).toHaveText(`${clicks} taps`)
    await swapped()

    for (const block of edits) {
      await click(1)
      await writeIn(app, block.file!, block.code)
      await typecheck(app, `${readme}:${block.line} (${block.file})`)
      if (ENTRY.test(block.file!)) {
        await swapped()
        await expect(button, `${readme}:${block.line}: the state is kept`).toHaveText(`${clicks} clicks`)
      }
    }
    await expect(button).toHaveCount(1)

    const loadedOnce = () => page.evaluate(() => (window as { __loadedOnce?: boolean }).__loadedOnce)
    expect(await loadedOnce(), `${readme}: the page was reloaded`).toBe(true)
    // No page reload, and nothing from hot-plugins but the swaps (no warning).
    expect(logs.filter((l) => /page reload|\[hot-plugins\] (?!reloaded counter)/.test(l))).toEqual([])

    // A plugin deleted while the app runs (its whole folder, helpers included) leaves nothing
    // behind (the host code removes its panel).
    const removed = logs.length
    await rm(path.dirname(path.join(app, counter.file!)), { recursive: true })
    await expect.poll(() => logs.some((l) => l.includes('[hot-plugins] plugin removed: counter'))).toBe(true)
    await expect(page.locator('[data-plugin="counter"]')).toHaveCount(0)
    await expect(page.locator('body > section')).toHaveCount(0)
    expect(await loadedOnce(), `${readme}: the page was reloaded when the plugin was deleted`).toBe(true)
    // The last plugin gone, the dev server says that no entry matches.
    expect(logs.slice(removed).filter((l) => /page reload|\[hot-plugins\] (?!plugin removed: counter|no plugin entry matched)/.test(l))).toEqual([])
  } finally {
    // Left open, the page would find the next app's server (Vite's client polls for a restart) and
    // reload into it, with this app's state.
    await page.goto('about:blank')
    await stopVite(child)
  }
}

async function typecheck(app: string, what: string): Promise<void> {
  try {
    await run(process.execPath, [path.join(app, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`tsc fails for ${what}:\n${stdout}${stderr}`)
  }
}
