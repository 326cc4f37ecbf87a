import { definePlugin } from '@hot-plugins/client'
import { createApp, reactive } from 'vue'
import type { PlaygroundContext } from '../../host/context'
import Todos from './Todos.vue'

// An edit here reaches the host, which swaps the plugin: the old app is unmounted, a new one
// mounted, and the items handed over.
export const meta = { version: '1.0.0' }

const title = 'Vue todos'

interface TodosState {
  items: string[]
}

const state = reactive<TodosState>({ items: [] })

export const { activate, getReloadState, setReloadState } = definePlugin({
  activate(ctx: PlaygroundContext) {
    ctx.setTitle(title)
    const app = createApp(Todos, { state })
    app.mount(ctx.panel)
    return () => app.unmount()
  },
  // A plain copy: the reactive proxy itself cannot be structured-cloned.
  getReloadState: (): TodosState => ({ items: [...state.items] }),
  setReloadState(saved) {
    state.items = saved.items
  },
})
