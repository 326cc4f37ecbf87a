import { definePlugin } from '@hot-plugins/client'
import { mount, unmount } from 'svelte'
import { get, writable } from 'svelte/store'
import type { PlaygroundContext } from '../../host/context'
import Counter from './Counter.svelte'
import { title } from './title'

// An edit here reaches the host, which swaps the plugin: the old component is unmounted, a new one
// mounted, and the count handed over. An edit of Counter.svelte is Svelte's own HMR: no swap.
export const meta = { version: '1.0.0' }

interface CounterState {
  count: number
}

// The plugin's state lives in a store outside the component tree, so it survives both kinds of edit.
const count = writable(0)

export const { activate, getReloadState, setReloadState } = definePlugin({
  activate(ctx: PlaygroundContext) {
    ctx.setTitle(title)
    const component = mount(Counter, { target: ctx.panel, props: { count } })
    return () => void unmount(component)
  },
  getReloadState: (): CounterState => ({ count: get(count) }),
  setReloadState(state: CounterState) {
    count.set(state.count)
  },
})
