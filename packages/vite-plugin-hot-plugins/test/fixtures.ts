import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** Writes `files` (path → content) into a fresh temp folder; returns it and a cleanup. */
export async function makeTree(files: Record<string, string>) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hot-plugins-'))
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true })
    await writeFile(path.join(root, file), content)
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) }
}
