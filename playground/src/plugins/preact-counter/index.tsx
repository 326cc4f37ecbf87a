/** @jsxImportSource preact */
import { definePlugin } from '@hot-plugins/client'
import { render } from 'preact'
import type { PlaygroundContext } from '../../host/context'
import { Counter } from './Counter'
import { title } from './title'

// An edit here reaches the host, which swaps the plugin: the old tree is unmounted, a new one
// rendered, and the count handed over. An edit of Counter.tsx is Prefresh (Preact's Fast Refresh).
export const meta = { version: '1.0.0' }

interface CounterState {
  count: number
}

// The plugin's state lives here, outside the component tree, and is passed down as a prop.
let count = 0
let update = () => {}

export const { activate, getReloadState, setReloadState } = definePlugin({
  activate(ctx: PlaygroundContext) {
    ctx.setTitle(title)
    const add = (step: number) => {
      count += step
      update()
    }
    update = () => render(<Counter count={count} onAdd={add} />, ctx.panel)
    update()
    return () => {
      update = () => {}
      render(null, ctx.panel)
    }
  },
  getReloadState: (): CounterState => ({ count }),
  setReloadState(state: CounterState) {
    count = state.count
    update()
  },
})
