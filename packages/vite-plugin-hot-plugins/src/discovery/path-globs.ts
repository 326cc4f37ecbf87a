import path from 'node:path'
import picomatch from 'picomatch'
import { normalizePath } from 'vite'

/**
 * A matcher of root-relative posix paths, inside the Vite root (`src/a.ts`) and outside it
 * (`../shared-lib/a.ts`). A glob that starts with `**` matches at any depth, outside the root too:
 * picomatch never lets `**` match a `..` segment, so such globs are tried on the path below the
 * folder the file shares with the root (`../shared-lib/a.test.ts` → `shared-lib/a.test.ts`), never
 * on the folders above it. Other globs match from the root, with `../` for folders outside it.
 */
export function createPathMatcher(globs: readonly string[], options: { dot: boolean }): (file: string) => boolean {
  const anywhere = globs.filter((glob) => glob.startsWith('**'))
  const anchored = globs.filter((glob) => !glob.startsWith('**'))
  const matchAnywhere = anywhere.length === 0 ? () => false : picomatch(anywhere, options)
  const matchAnchored = anchored.length === 0 ? () => false : picomatch(anchored, options)
  return (file) => matchAnchored(file) || matchAnywhere(file.replace(/^(\.\.\/)+/, ''))
}

/** The posix path of an absolute file relative to the Vite root: `../` segments when it is outside. */
export function rootRelative(root: string, absFile: string): string {
  return normalizePath(path.relative(root, absFile))
}

/** Whether a root-relative path is outside the root (or on another drive). */
export function isOutsideRoot(file: string): boolean {
  return file === '..' || file.startsWith('../') || path.posix.isAbsolute(file) || /^[a-zA-Z]:/.test(file)
}

/** Whether a posix path passes through a `node_modules` folder. */
export function inNodeModules(file: string): boolean {
  return file.split('/').includes('node_modules')
}

/** The folder a glob starts in, relative to the root: its part before the first glob character. */
export function globBase(glob: string): string {
  return picomatch.scan(glob).base || '.'
}
