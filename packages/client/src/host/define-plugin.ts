import type { PluginMeta, ReloadInfo, Teardown } from './types.js'

/**
 * A plugin's exports as `definePlugin` checks them. Members are function-typed properties (not
 * methods) so that TypeScript checks parameters strictly: a `setReloadState` that expects a
 * different state than `getReloadState` returns is an error.
 *
 * @typeParam Ctx - the host API the host app hands to `activate`
 * @typeParam State - what `getReloadState` returns and `setReloadState` receives
 */
export interface PluginDefinition<Ctx = unknown, State = unknown> {
  /** Starts the plugin with the host API. May return a teardown that undoes what it did. */
  activate: (ctx: Ctx) => void | Teardown | Promise<void | Teardown>
  /** Called after the teardown when the plugin is torn down. */
  deactivate?: () => void | Promise<void>
  /** The state to hand to the next version (structured-cloneable). */
  getReloadState?: () => State
  /** Receives the previous version's state, right after `activate`. */
  setReloadState?: (state: State, info: ReloadInfo) => void | Promise<void>
  /** Turns state of an older `meta.stateVersion` into this version's shape. */
  migrateState?: (state: unknown, fromStateVersion: number) => State
  /**
   * Prefer `export const meta = { … }` as its own export: the dev server reads a literal `meta.id`
   * only from there.
   */
  meta?: PluginMeta
}

/**
 * Type-checks a plugin's exports and returns them unchanged. Destructure the result into named
 * exports, which is what the host reads:
 *
 * @example
 * export const { activate, getReloadState, setReloadState } = definePlugin({
 *   activate(ctx: AppContext) {
 *     const button = ctx.panel.appendChild(document.createElement('button'))
 *     return () => button.remove()
 *   },
 *   getReloadState: () => ({ count }),
 *   setReloadState(state) { count = state.count }, // state: { count: number }
 * })
 *
 * `Ctx` is inferred from `activate`'s parameter and `State` from `getReloadState`, or pass both:
 * `definePlugin<AppContext, { count: number }>({ … })`. Don't use `this` in the members: they are
 * called as plain functions.
 */
/*#__NO_SIDE_EFFECTS__*/
export function definePlugin<Ctx = unknown, State = unknown>(
  plugin: PluginDefinition<Ctx, State>,
): PluginDefinition<Ctx, State> {
  return plugin
}
