/** What a plugin was doing when it failed. */
export type PluginPhase =
  | 'load'
  | 'activate'
  | 'deactivate'
  | 'get-state'
  | 'set-state'
  | 'import'
  | 'compile'

const phaseText: Record<PluginPhase, string> = {
  load: 'its module failed to load',
  activate: 'activate() threw',
  deactivate: 'its teardown threw',
  'get-state': 'getReloadState() threw',
  'set-state': 'setReloadState() threw',
  import: 'its new code failed to load',
  compile: 'its new code does not compile; the previous version keeps running',
}

/** An error that names the plugin, its file and what it was doing, and keeps the original cause. */
export class PluginError extends Error {
  override readonly name = 'PluginError'
  /** The message without the plugin and file: what went wrong and why. */
  readonly reason: string
  constructor(
    readonly pluginId: string,
    readonly file: string,
    readonly phase: PluginPhase,
    cause: unknown,
    detail?: string,
  ) {
    const reason = (detail ?? phaseText[phase]) + (cause === undefined ? '' : `: ${describe(cause)}`)
    super(`plugin "${pluginId}" (${file}): ${reason}`, { cause })
    this.reason = reason
  }
}

/** A one-line description of any thrown value. */
export function describe(value: unknown): string {
  if (value instanceof Error) return value.message || value.name
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
