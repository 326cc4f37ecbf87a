import { HotEvents, LOG_PREFIX, type CompileErrorAnnouncement } from '@hot-plugins/client/protocol'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { normalizePath, type DevEnvironment, type EnvironmentModuleNode, type Logger, type TransformResult } from 'vite'

/** A transform failure, as Vite's error overlay and our runtime need it. */
export interface CompileFailure {
  message: string
  stack: string
  id?: string
  frame?: string
  plugin?: string
  loc?: { file?: string; line: number; column: number }
}

/**
 * Transforms the changed modules now, before Vite sends anything to the browser: a syntax error, a
 * failing transform or an import that does not resolve is caught here, while the old plugin runs.
 * (Vite has already dropped their cached transform when the file changed.) `transform` is how:
 * `environment.transformRequest` by default.
 */
export async function findCompileFailure(
  environment: DevEnvironment,
  modules: readonly EnvironmentModuleNode[],
  transform: (module: EnvironmentModuleNode) => Promise<TransformResult | null> = (module) => environment.transformRequest(module.url),
): Promise<CompileFailure | undefined> {
  for (const module of modules) {
    if (module.type !== 'js') continue
    try {
      await transform(module)
    } catch (error) {
      return toFailure(error)
    }
  }
  return undefined
}

function toFailure(error: unknown): CompileFailure {
  const e = (error ?? {}) as Partial<CompileFailure> & { message?: string; stack?: string }
  const failure: CompileFailure = { message: e.message ?? String(error), stack: e.stack ?? '' }
  if (e.id) failure.id = e.id
  if (e.frame) failure.frame = e.frame
  if (e.plugin) failure.plugin = e.plugin
  if (e.loc) failure.loc = e.loc
  return failure
}

/**
 * Refuses a change that does not compile: Vite's overlay shows the error, the page's runtime
 * records it for the owning plugins, the terminal names the file; no update is sent, so the old
 * plugins keep running. `cause` says why a file that was not edited is checked (a file it imports
 * was deleted).
 */
export function refuseChange(
  environment: DevEnvironment,
  { root, logger }: { root: string; logger: Logger | undefined },
  change: { file: string; plugins: readonly string[]; cause?: string },
  failure: CompileFailure,
): void {
  const { file, plugins } = change
  const failedFile = failure.loc?.file ? normalizePath(path.relative(root, failure.loc.file)) : file
  const where = failure.loc ? `${failedFile}:${failure.loc.line}:${failure.loc.column}` : failedFile
  const shown = withoutTerminalColours(failure)
  const refused: CompileErrorAnnouncement = { file, plugins: [...plugins], message: `${change.cause ? `${change.cause}: ` : ''}${where}: ${shown.message}` }
  if (shown.frame) refused.frame = shown.frame
  const what = change.cause ? `${change.cause}, and ${where} does not compile without it` : `${where} does not compile`
  logger?.error(
    `${LOG_PREFIX} ${what}; ${plugins.join(', ')} keep${plugins.length === 1 ? 's' : ''} running the previous version.\n${failure.message}${failure.frame ? `\n${failure.frame}` : ''}`,
    { timestamp: true },
  )
  environment.hot.send({ type: 'error', err: shown })
  environment.hot.send(HotEvents.error, refused)
}

/**
 * The failure as the page shows it: the compiler colours its message and frame for a terminal,
 * and the page would print those escape codes as text (Vite strips them from its own errors too).
 */
export function withoutTerminalColours(failure: CompileFailure): CompileFailure {
  const shown: CompileFailure = { ...failure, message: stripVTControlCharacters(failure.message), stack: stripVTControlCharacters(failure.stack) }
  if (failure.frame !== undefined) shown.frame = stripVTControlCharacters(failure.frame)
  return shown
}
