import path from 'node:path'
import { globSync } from 'tinyglobby'
import { normalizePath } from 'vite'
import { createPathMatcher } from './path-globs.js'

/** The extensions of a module a plugin entry could be written in. */
const SCRIPT_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs']

interface Lookalike {
  /** The glob naming files like the entries of `glob`, in any script extension. */
  pattern: string
  glob: string
}

/**
 * Finds files named like the entries of the `plugins` globs but in another script extension, which
 * no glob matches (`src/plugins/legacy/index.js` beside a glob `src/plugins/*\/index.{ts,tsx}`): they
 * are silently not plugins otherwise. Only globs whose file name is a literal (`index.…`,
 * `plugin.…`) name such files.
 */
export function createLookalikeFinder(globs: readonly string[]) {
  const lookalikes = globs.flatMap((glob): Lookalike[] => {
    const slash = glob.lastIndexOf('/')
    const name = /^([\w-]+)\./.exec(glob.slice(slash + 1))?.[1]
    return name === undefined ? [] : [{ pattern: `${glob.slice(0, slash + 1)}${name}.{${SCRIPT_EXTENSIONS.join(',')}}`, glob }]
  })
  const matchers = lookalikes.map((l) => ({ ...l, matches: createPathMatcher([l.pattern], { dot: false }) }))
  return {
    /** The globs of such files (for discovery to look for them in the crawl it makes anyway). */
    patterns: lookalikes.map((l) => l.pattern),
    /** The glob a root-relative file looks like an entry of, if any (whether or not a glob matches it). */
    globLookedLike(file: string): string | undefined {
      return matchers.find((m) => m.matches(file))?.glob
    },
    /** Every such file under `root` (root-relative), matched or not. */
    find(root: string): string[] {
      if (lookalikes.length === 0) return []
      const files = globSync(lookalikes.map((l) => l.pattern), { cwd: root, ignore: ['**/node_modules/**', '**/.git/**'], onlyFiles: true, expandDirectories: false })
      return files.map(normalizePath).sort()
    },
  }
}

export type LookalikeFinder = ReturnType<typeof createLookalikeFinder>

/** The warning for a file named like an entry that no glob matches. */
export function describeLookalike(file: string, glob: string): string {
  const extension = path.posix.extname(file).slice(1)
  const suggestion = widenGlob(glob, extension)
  return (
    `${file} is named like a plugin entry, but no "plugins" glob matches it (${glob}), so it is not a plugin` +
    (suggestion ? `; if it is one, add its extension: '${suggestion}'` : '')
  )
}

function widenGlob(glob: string, extension: string): string | undefined {
  const braces = /\.\{([\w,]+)\}$/.exec(glob)
  if (braces) return `${glob.slice(0, braces.index)}.{${braces[1]},${extension}}`
  const single = /\.(\w+)$/.exec(glob)
  return single ? `${glob.slice(0, single.index)}.{${single[1]},${extension}}` : undefined
}
