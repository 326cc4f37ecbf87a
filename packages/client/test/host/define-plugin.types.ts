// Type-level tests, checked by `pnpm typecheck` (tsc -p packages/client/test); nothing here runs.
// Each @ts-expect-error line proves that a wrong plugin shape is a compile error.
import { definePlugin, type PluginModule } from '../../src/index.js'

interface AppContext {
  panel: { append(text: string): void }
}

let count = 0

// Ctx is inferred from activate's parameter, State from getReloadState; setReloadState's
// parameter is typed by it.
export const inferred = definePlugin({
  activate(ctx: AppContext) {
    ctx.panel.append('hello')
    return () => {}
  },
  getReloadState: () => ({ count }),
  setReloadState(state, info) {
    count = state.count
    const reason: 'hot-swap' | 'rollback' | 'restore' = info.reason
    void reason
  },
})

// The result destructures into the named exports the host reads, and is a PluginModule.
export const { activate, getReloadState, setReloadState } = inferred
export const asModule: PluginModule<AppContext, { count: number }> = inferred

// Explicit type arguments type unannotated parameters.
definePlugin<AppContext, { count: number }>({
  async activate(ctx) {
    ctx.panel.append('async activate, no teardown')
  },
  setReloadState(state) {
    count = state.count
  },
  migrateState: (state, fromStateVersion) => (fromStateVersion === 1 ? { count: Number(state) } : { count: 0 }),
  meta: { version: '1.0.0', stateVersion: 2, dependsOn: ['theme'] },
})

// activate is the one required member.
// @ts-expect-error Property 'activate' is missing
definePlugin({ getReloadState: () => ({ count }) })

// activate returns nothing or a teardown function.
// @ts-expect-error Type 'number' is not assignable
definePlugin({ activate: () => 42 })

// getReloadState and setReloadState must agree on the state.
definePlugin({
  activate() {},
  // @ts-expect-error Type 'number' is not assignable to type 'string'
  getReloadState: () => ({ count }),
  setReloadState(state: { count: string }) {
    void state
  },
})

// Parameters are checked strictly (not bivariantly, as methods would be): setReloadState cannot
// expect more than the State it is given.
definePlugin<AppContext, { count: number }>({
  activate() {},
  // @ts-expect-error Property 'label' is missing in type '{ count: number; }'
  setReloadState(state: { count: number; label: string }) {
    void state
  },
})

// With explicit types, getReloadState must return the State.
definePlugin<AppContext, { count: number }>({
  activate() {},
  // @ts-expect-error Type 'string' is not assignable to type 'number'
  getReloadState: () => ({ count: 'five' }),
})

// The context has the host's type.
definePlugin<AppContext>({
  activate(ctx) {
    // @ts-expect-error Property 'missing' does not exist on type 'AppContext'
    ctx.missing()
  },
})

// meta is checked too.
definePlugin({
  activate() {},
  // @ts-expect-error Type 'number' is not assignable to type 'string'
  meta: { version: 1 },
})

// Members are not `this`-bound methods of an object the host keeps; unknown members are typos.
definePlugin({
  activate() {},
  // @ts-expect-error Object literal may only specify known properties
  getReloadStat: () => ({ count }),
})
