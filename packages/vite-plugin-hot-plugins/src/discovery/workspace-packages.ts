import { readFileSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { globSync } from 'tinyglobby'
import { normalizePath, searchForWorkspaceRoot } from 'vite'

/** A package of the workspace the app belongs to. */
export interface WorkspacePackage {
  name: string
  /** Its real folder (absolute posix). */
  dir: string
  /** What declares the workspace: `pnpm-workspace.yaml`, or a package.json's `workspaces` (npm, yarn). */
  manager: 'pnpm' | 'npm or yarn'
}

/**
 * The packages of the app's workspace (the nearest folder above `root` declaring one) whose names
 * `wanted` accepts: what the workspace's package globs name, its `node_modules` left out. None
 * outside a workspace.
 */
export function workspacePackages(root: string, wanted: (name: string) => boolean): WorkspacePackage[] {
  const workspace = readWorkspace(searchForWorkspaceRoot(root))
  if (!workspace || workspace.globs.length === 0) return []
  const manifests = globSync(
    workspace.globs.map((glob) => (glob.startsWith('!') ? glob : `${glob.replace(/\/+$/, '')}/package.json`)),
    { cwd: workspace.dir, ignore: ['**/node_modules/**', '**/.git/**'], absolute: true, onlyFiles: true, expandDirectories: false },
  )
  const app = normalizePath(path.resolve(root))
  const packages: WorkspacePackage[] = []
  for (const manifest of manifests.sort()) {
    const name = readName(manifest)
    const dir = normalizePath(realpathSync(path.dirname(manifest)))
    if (name !== undefined && wanted(name) && dir !== app) packages.push({ name, dir, manager: workspace.manager })
  }
  return packages
}

function readWorkspace(dir: string): { dir: string; globs: string[]; manager: WorkspacePackage['manager'] } | undefined {
  const yaml = readText(path.join(dir, 'pnpm-workspace.yaml'))
  if (yaml !== undefined) return { dir, globs: pnpmPackageGlobs(yaml), manager: 'pnpm' }
  const manifest = readText(path.join(dir, 'package.json'))
  if (manifest === undefined) return undefined
  try {
    const { workspaces } = JSON.parse(manifest) as { workspaces?: unknown }
    const globs = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages
    return Array.isArray(globs) ? { dir, globs: globs.filter((g): g is string => typeof g === 'string'), manager: 'npm or yarn' } : undefined
  } catch {
    return undefined
  }
}

/**
 * The `packages` list of a pnpm-workspace.yaml, in block (`- apps/*`) or flow (`[apps/*]`) style:
 * all of YAML that file needs, without a YAML parser.
 */
export function pnpmPackageGlobs(yaml: string): string[] {
  const lines = yaml.split(/\r?\n/)
  const start = lines.findIndex((line) => /^packages\s*:/.test(line))
  if (start === -1) return []
  const inline = (lines[start] as string).replace(/^packages\s*:/, '').replace(/\s#.*$/, '').trim()
  if (inline.startsWith('[')) return inline.replace(/^\[|\]$/g, '').split(',').map(unquote).filter(Boolean)
  const globs: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break
    const item = /^\s+-\s*(.+)$/.exec(line.replace(/\s#.*$/, ''))
    if (item) globs.push(unquote(item[1] as string))
  }
  return globs.filter(Boolean)
}

function unquote(value: string): string {
  return value.trim().replace(/^(['"])(.*)\1$/, '$2')
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function readName(manifest: string): string | undefined {
  try {
    const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }
    return typeof name === 'string' ? name : undefined
  } catch {
    return undefined
  }
}
