/** @jsxImportSource solid-js */
import { definePlugin } from '@hot-plugins/client'
import { createSignal } from 'solid-js'
import { render } from 'solid-js/web'
import type { PlaygroundContext } from '../../host/context'
import { Counter } from './Counter'
import { title } from './title'

// An edit here reaches the host, which swaps the plugin: the old root is disposed, a new one
// rendered, and the count handed over. An edit of Counter.tsx is Solid's own HMR (solid-refresh).
export const meta = { version: '1.0.0' }

interface CounterState {
  count: number
}

// The plugin's state: a signal outside the component tree, so it survives a component edit.
const [count, setCount] = createSignal(0)

export const { activate, getReloadState, setReloadState } = definePlugin({
  activate(ctx: PlaygroundContext) {
    ctx.setTitle(title)
    // render() returns the function that disposes the root: the plugin's teardown.
    return render(() => <Counter count={count} onAdd={(step) => setCount(count() + step)} />, ctx.panel)
  },
  getReloadState: (): CounterState => ({ count: count() }),
  setReloadState(state: CounterState) {
    setCount(state.count)
  },
})
