import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/**
 * Writes `files` (path → content) into a fresh temp folder, and `links` (path → the folder it points
 * to, relative to the link, as pnpm and npm link workspace packages); returns it and a cleanup.
 */
export async function makeTree(files: Record<string, string>, links: Record<string, string> = {}) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hot-plugins-'))
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true })
    await writeFile(path.join(root, file), content)
  }
  for (const [link, target] of Object.entries(links)) {
    await mkdir(path.dirname(path.join(root, link)), { recursive: true })
    await symlink(target, path.join(root, link), 'dir')
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) }
}
