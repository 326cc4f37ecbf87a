import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'

// A user's path: pack both packages, install the tarballs into a new Vite app outside this
// workspace, write the files the README's "Add it to your app" and "TypeScript" sections show,
// type-check the app, start its own dev server and hot-swap its plugin in Chromium.

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
  expect(manifest.peerDependencies?.vite).toBe('^8.0.0')
  expect(manifest.type).toBe('module')
  expect(manifest.sideEffects).toBe(false)
  expect(manifest.engines?.node).toBeTruthy()
  return manifest
}

/** The code blocks, in order, that start with a `// <file>` comment in the README's setup sections. */
async function readmeFiles(): Promise<{ file: string; code: string }[]> {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8')
  const start = readme.indexOf('## Add it to your app')
  const end = readme.indexOf('## Write a plugin')
  if (start < 0 || end < start) throw new Error('README: the "Add it to your app" … "Write a plugin" sections are missing')
  const blocks: { file: string; code: string }[] = []
  for (const match of readme.slice(start, end).matchAll(/```tsx?\n([\s\S]*?)```/g)) {
    const code = match[1] as string
    const file = /^\/\/ ([\w./-]+)\n/.exec(code)?.[1]
    if (file) blocks.push({ file, code })
  }
  return blocks
}

/** Starts the app's own Vite (its CLI, as `pnpm vite` would) and resolves with its URL. */
function startVite(app: string, logs: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(app, 'node_modules/vite/bin/vite.js'), '--port', '0', '--strictPort', '--clearScreen', 'false'], {
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

test('the packed packages install into a new Vite app, whose plugin hot-swaps with its state', async ({ page }) => {
  test.setTimeout(300_000) // packing (which builds) and installing take a while on two cores
  const temp = await mkdtemp(path.join(os.tmpdir(), 'hot-plugins-consumer-'))
  const packs = path.join(temp, 'packs')
  const app = path.join(temp, 'app')
  let server: ChildProcess | undefined
  try {
    // 1. Pack, and check what the tarballs hold.
    await run('pnpm', ['--filter', './packages/*', 'pack', '--pack-destination', packs], { cwd: repoRoot, env: cleanEnv() })
    const tarballs = await readdir(packs)
    const clientTarball = path.join(packs, tarballs.find((f) => f.startsWith('hot-plugins-client-'))!)
    const pluginTarball = path.join(packs, tarballs.find((f) => f.startsWith('vite-plugin-hot-plugins-'))!)
    await expectTarball(clientTarball, ['dist/index.js', 'dist/index.d.ts', 'dist/hot.js', 'dist/protocol.d.ts', 'virtual.d.ts', 'hmr-events.d.ts'])
    const pluginManifest = await expectTarball(pluginTarball, ['dist/index.js', 'dist/index.d.ts', 'dist/options.d.ts'])
    expect(pluginManifest.peerDependencies['@hot-plugins/client']).toMatch(/^\^\d/)

    // 2. A new Vite app, with the files the README tells a user to write.
    const blocks = await readmeFiles()
    expect(blocks.map((b) => b.file)).toEqual([
      'vite.config.ts',
      'src/main.ts',
      'src/plugins/counter/index.ts',
      'src/vite-env.d.ts',
      'src/plugins/counter/index.ts', // the same plugin with definePlugin(), written later as an edit
    ])
    const [config, main, plugin, viteEnv, typedPlugin] = blocks as [typeof blocks[number], ...typeof blocks]
    const write = async (file: string, content: string) => {
      await mkdir(path.dirname(path.join(app, file)), { recursive: true })
      await writeFile(path.join(app, file), content)
    }
    await write('package.json', JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }, null, 2))
    await write(
      'index.html',
      '<!doctype html>\n<html><head><meta charset="UTF-8" /><link rel="icon" href="data:," /></head>\n' +
        '<body><script type="module" src="/src/main.ts"></script></body></html>\n',
    )
    await write(
      'tsconfig.json',
      JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'ESNext',
            moduleResolution: 'Bundler',
            lib: ['ES2022', 'DOM', 'DOM.Iterable'],
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            verbatimModuleSyntax: true,
            isolatedModules: true,
          },
          include: ['src'],
        },
        null,
        2,
      ),
    )
    for (const block of [config, main, plugin, viteEnv]) await write(block!.file, block!.code)
    // Not from the README: what the type references promise, checked from the installed packages.
    await write(
      'src/types-check.ts',
      [
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
      ].join('\n'),
    )

    // 3. Install the tarballs (and the Vite and TypeScript this workspace uses) as a user would.
    const version = async (pkg: string) => JSON.parse(await readFile(path.join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version
    const install = await run(
      'pnpm',
      ['add', '-D', '--prefer-offline', `vite@${await version('vite')}`, `typescript@${await version('typescript')}`, clientTarball, pluginTarball],
      { cwd: app, env: cleanEnv() },
    )
    expect(`${install.stdout}\n${install.stderr}`).not.toMatch(/unmet peer|missing peer/i)

    const typecheck = () => run(process.execPath, [path.join(app, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app })
    await typecheck()

    // 4. Its dev server, and a hot swap in Chromium.
    const logs: string[] = []
    const started = await startVite(app, logs)
    server = started.child
    const connected = page.waitForEvent('console', (m) => m.text().includes('[vite] connected'))
    await page.goto(started.url)
    await connected
    const button = page.locator('[data-plugin="counter"] button')
    await expect(button).toHaveText('0 clicks')
    await page.evaluate(() => ((window as { __loadedOnce?: boolean }).__loadedOnce = true))
    for (let i = 0; i < 3; i++) await button.click()
    await expect(button).toHaveText('3 clicks')

    const edited = plugin!.code.replace('`${count} clicks`', '`${count} taps`')
    expect(edited).not.toBe(plugin!.code)
    await write(plugin!.file, edited)

    await expect(button).toHaveText('3 taps')
    await expect.poll(() => logs.filter((l) => /\[hot-plugins\] reloaded counter in \d+ ms, state kept/.test(l)).length).toBe(1)
    await button.click()
    await expect(button).toHaveText('4 taps')

    // The README's definePlugin() version of the same plugin swaps in, too.
    await write(typedPlugin!.file, typedPlugin!.code)
    await expect(button).toHaveText('4 clicks')
    await expect.poll(() => logs.filter((l) => /\[hot-plugins\] reloaded counter in \d+ ms, state kept/.test(l)).length).toBe(2)
    await expect(button).toHaveCount(1)
    expect(await page.evaluate(() => (window as { __loadedOnce?: boolean }).__loadedOnce), 'the page was reloaded').toBe(true)
    // No page reload, and nothing from hot-plugins but the two swaps (no warning).
    expect(logs.filter((l) => /page reload|\[hot-plugins\] (?!reloaded counter)/.test(l))).toEqual([])
    await typecheck()
  } finally {
    if (server) await stopVite(server)
    await rm(temp, { recursive: true, force: true })
  }
})
