import { writeFileSync } from 'node:fs'
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, preview, type ViteDevServer } from 'vite'
import { startDevServer } from './dev-server'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const playgroundRoot = path.join(repoRoot, 'playground')
const tempRoot = path.join(repoRoot, 'playground-temp')

/** A private copy of the playground, so a test can edit its files freely. */
export interface PlaygroundCopy {
  root: string
  /** Replaces `from` with `to` in a file of the copy; throws if that would change nothing. */
  edit(file: string, from: string, to: string): Promise<void>
  write(file: string, content: string): Promise<void>
  read(file: string): Promise<string>
  remove(): Promise<void>
}

/**
 * Copies the playground (without node_modules, which is linked, so the copy resolves the workspace
 * packages) into `playground-temp/<name>`, inside the workspace so Vite may serve the packages.
 */
export async function copyPlayground(name: string): Promise<PlaygroundCopy> {
  const root = tempFolder(name)
  await rm(root, { recursive: true, force: true })
  await copyPlaygroundSources(root)
  await symlink(path.join(playgroundRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  return { root, ...editableFiles(root), remove: () => rm(root, { recursive: true, force: true }) }
}

/** A folder of its own for a test in `playground-temp/`, named after it. */
export function tempFolder(name: string): string {
  return path.join(tempRoot, name.replace(/[^\w-]+/g, '-').slice(0, 80))
}

/** Copies the playground's sources (no node_modules, no build output) into `root`. */
export async function copyPlaygroundSources(root: string): Promise<void> {
  await mkdir(root, { recursive: true })
  await cp(playgroundRoot, root, {
    recursive: true,
    filter: (source) => !/(^|[\\/])(node_modules|dist)([\\/]|$)/.test(path.relative(playgroundRoot, source)),
  })
}

/** Edits, writes and reads files by their path relative to `root` (`../` for files beside it). */
export function editableFiles(root: string): Pick<PlaygroundCopy, 'edit' | 'write' | 'read'> {
  const resolve = (file: string) => path.join(root, file)
  return {
    async edit(file, from, to) {
      const before = await readFile(resolve(file), 'utf8')
      if (!before.includes(from)) throw new Error(`edit of ${file}: ${JSON.stringify(from)} is not in the file`)
      const after = before.replace(from, to)
      if (after === before) throw new Error(`edit of ${file} would change nothing`)
      // In one go, as an editor saves: written asynchronously, the file's truncation and its
      // content are two steps, and a transform that reads it between them (a framework's own HMR
      // hook does, with Vite's module graph then saying what the empty file accepts) sees an
      // empty file. `write` keeps that window: the chaos test saves plugin files through it.
      writeFileSync(resolve(file), after)
    },
    async write(file, content) {
      const before = await readFile(resolve(file), 'utf8').catch(() => undefined)
      if (before === content) throw new Error(`write of ${file} would change nothing`)
      await mkdir(path.dirname(resolve(file)), { recursive: true })
      await writeFile(resolve(file), content)
    },
    read: (file) => readFile(resolve(file), 'utf8'),
  }
}

/** A dev server on a copy of the playground, with what it logged. */
export interface RunningPlayground extends PlaygroundCopy {
  server: ViteDevServer
  url: string
  logs: string[]
  close(): Promise<void>
}

export interface StartOptions {
  /** Runs on the copy before the server starts (e.g. to set options in vite.config.ts). */
  prepare?: (copy: PlaygroundCopy) => Promise<void>
  /** A fixed port; by default any free one. */
  port?: number
  /** Reuse this copy instead of making a new one. */
  copy?: PlaygroundCopy
}

export async function startPlayground(name: string, options: StartOptions = {}): Promise<RunningPlayground> {
  const copy = options.copy ?? (await copyPlayground(name))
  await options.prepare?.(copy)
  const { server, url, logs } = await startDevServer(copy.root, options.port ? { port: options.port } : {})
  return {
    ...copy,
    server,
    url,
    logs,
    async close() {
      await server.close()
      if (!options.copy) await copy.remove()
    },
  }
}

/**
 * Builds the app at `root` with its vite.config.ts, then serves the build with `vite preview` while
 * `use` runs. vite build sets NODE_ENV=production when it is unset; left so, every later dev server
 * in this worker would run in production mode (no React Fast Refresh, no Vue HMR): it is put back.
 */
export async function buildAndPreview(root: string, use: (url: string) => Promise<void>): Promise<void> {
  const configFile = path.join(root, 'vite.config.ts')
  await buildApp(root)
  const server = await preview({ root, configFile, logLevel: 'silent', preview: { port: 0 } })
  try {
    await use(server.resolvedUrls!.local[0]!)
  } finally {
    await server.close()
  }
}

/** `vite build` of the app at `root` into `outDir` (relative to it), NODE_ENV put back after it. */
export async function buildApp(root: string, outDir = 'dist'): Promise<void> {
  const nodeEnv = process.env.NODE_ENV
  try {
    await build({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } })
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
  }
}
