import type { DevEnvironment, EnvironmentModuleNode, TransformResult } from 'vite'

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
