import { readFileSync, statSync } from 'node:fs'
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

/** The file's content as it is on disk now, or `undefined` when it cannot be read (gone). */
export function readNow(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
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

/** Changes with every write: nanosecond modification time, size, inode (a file replaced by a rename). */
export function fileStamp(file: string): string | undefined {
  try {
    const stats = statSync(file, { bigint: true })
    return `${stats.mtimeNs}:${stats.size}:${stats.ino}`
  } catch {
    return undefined
  }
}

/** A file's content, read once for every step of one change, and its stamp from just before that read. */
export interface OnceRead {
  read(): Promise<string>
  /** `fileStamp` taken right before the read (undefined before it, or when the file was gone). */
  stampBeforeRead(): string | undefined
}

export function readOnce(file: string, read: () => string | Promise<string>): OnceRead {
  let content: Promise<string> | undefined
  let stamp: string | undefined
  return {
    read() {
      if (!content) {
        stamp = fileStamp(file)
        content = Promise.resolve().then(read)
      }
      return content
    },
    stampBeforeRead: () => stamp,
  }
}

/**
 * Whether the file was saved again since `content` was read (maybe half-written): a stat when it
 * was not (the usual case, and no read on the critical path), the content itself when the stat
 * differs (a save of the same content changes nothing).
 */
export async function savedAgain(file: string, stampBeforeRead: string | undefined, content: string): Promise<boolean> {
  if (stampBeforeRead !== undefined && fileStamp(file) === stampBeforeRead) return false
  return changedSince(file, content)
}
