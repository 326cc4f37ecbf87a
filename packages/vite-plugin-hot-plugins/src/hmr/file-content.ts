import { readFile } from 'node:fs/promises'

/** The file's content, or `undefined` once it is gone (deleted, or moved away). */
export async function readIfPresent(read: () => string | Promise<string>): Promise<string | undefined> {
  try {
    return await read()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Whether the file on disk no longer holds `content` (saved again, or gone). */
export async function changedSince(file: string, content: string): Promise<boolean> {
  try {
    return (await readFile(file, 'utf8')) !== content
  } catch {
    return true
  }
}
