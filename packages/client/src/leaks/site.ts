/** Where a resource was started, read from the stack of an Error made at that moment. DOM-free. */

/** One frame of a stack: a script's URL (or path) and a position in it, 1-based. */
export interface Frame {
  url: string
  line: number
  column: number
}

/** Where a leaked resource was started, as the report tells it. */
export interface StartSite {
  /** The frame that started it: in the plugin's own files when the stack passes through them. */
  frame: Frame
  /** The first frame outside this runtime was in a dependency (`node_modules`, Vite's prebundled deps): a library started it. */
  byLibrary: boolean
}

// V8 (`at f (url:1:2)`, `at url:1:2`) and Firefox/Safari (`f@url:1:2`).
const FRAME = /(?:\(|@|\bat )((?:[a-z][\w+.-]*:\/\/?|\/)[^\s()]*?):(\d+):(\d+)\)?\s*$/i

export function framesOf(stack: string | undefined): Frame[] {
  if (!stack) return []
  const frames: Frame[] = []
  for (const text of stack.split('\n')) {
    const match = FRAME.exec(text)
    if (match) frames.push({ url: match[1]!, line: Number(match[2]), column: Number(match[3]) })
  }
  return frames
}

/**
 * Tells this runtime's own files from others. `ownUrl` is the URL (or path) of the module that
 * made the Errors (tracker.ts): runtime files are those beside it under the runtime's root, or that
 * very file when the runtime is bundled into one.
 */
export function runtimeFiles(ownUrl: string): (url: string) => boolean {
  const own = pathOf(ownUrl)
  const root = /^(.*\/)leaks\/tracker\.[jt]s$/.exec(own)?.[1]
  return root ? (url) => pathOf(url).startsWith(root) : (url) => pathOf(url) === own
}

/** The site of a resource: where in the plugin's files (`pluginFile`'s folder) it was started, else the first frame outside the runtime. */
export function startSite(stack: string | undefined, pluginFile: string, isRuntime: (url: string) => boolean): StartSite | undefined {
  const frames = framesOf(stack)
  const outside = frames.findIndex((frame) => !isRuntime(frame.url))
  if (outside < 0) return undefined
  const first = frames[outside]!
  const folder = folderOf(pluginFile)
  const own = folder ? frames.slice(outside).find((frame) => pathOf(frame.url).includes(`/${folder}`)) : undefined
  return { frame: own ?? first, byLibrary: /\/node_modules\/|\/\.vite\/deps\//.test(pathOf(first.url)) }
}

/** The site as a user reads it: relative to the plugin's folder when in it (`index.ts:12:5`). */
export function describeSite(frame: Frame, pluginFile: string): string {
  const path = pathOf(frame.url)
  const folder = folderOf(pluginFile)
  const at = folder ? path.lastIndexOf(`/${folder}`) : -1
  const shown = at >= 0 ? path.slice(at + folder.length + 1) : folder ? path.replace(/^\/(@fs\/)?/, '') : path.slice(path.lastIndexOf('/') + 1)
  return `${shown}:${frame.line}:${frame.column}`
}

/** The folder of a plugin file relative to the root, with a trailing slash (`src/plugins/clock/`); empty when it has none. */
function folderOf(file: string): string {
  const clean = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '')
  if (clean.startsWith('../')) return ''
  const slash = clean.lastIndexOf('/')
  return slash < 0 ? '' : clean.slice(0, slash + 1)
}

/** The path of a URL (or of a file path), without origin or query. */
function pathOf(url: string): string {
  const bare = withoutQuery(url).replace(/\\/g, '/')
  const origin = /^[a-z][\w+.-]*:\/\/[^/]*/i.exec(bare)
  return origin ? bare.slice(origin[0].length) : bare
}

function withoutQuery(url: string): string {
  const at = url.search(/[?#]/)
  return at < 0 ? url : url.slice(0, at)
}
