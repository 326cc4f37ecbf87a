import { definePlugin } from '@hot-plugins/client'
import { createRoot } from 'react-dom/client'
import type { PlaygroundContext } from '../../host/context'
import { Counter } from './Counter'
import { createStore, type CounterState } from './store'

// An edit here (or in store.ts) reaches the host, which swaps the plugin and hands the count over;
// so would an edit of a component defined here (the dev server keeps entries out of Fast Refresh).
// Counter lives in its own module so that Fast Refresh keeps its own state (`step`) on an edit.
export const meta = { version: '1.0.0' }

const title = 'React counter'
const store = createStore<CounterState>({ count: 0 })

export const { activate, getReloadState, setReloadState } = definePlugin({
  activate(ctx: PlaygroundContext) {
    ctx.setTitle(title)
    const root = createRoot(ctx.panel)
    root.render(<Counter store={store} />)
    return () => root.unmount()
  },
  getReloadState: () => store.get(),
  setReloadState(state) {
    store.set(state)
  },
})
