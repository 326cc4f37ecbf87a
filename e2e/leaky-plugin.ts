/** A plugin of the app copy that forgets to clear its interval and its listener (e2e/leaks.spec.ts, e2e/engines/dev-loop.spec.ts). */
// A plugin of the app copy that forgets to clear its interval and its listener. Its lines are
// counted by the assertions below: the interval starts at line 11, column 3; the listener at 15:10.
export const LEAKY = 'src/plugins/leaky/index.ts'
export const LEAKY_SOURCE = `import type { PlaygroundContext } from '../../host/context'

export const meta = { version: '1.0.0' }

let ticks: number = 0

export function activate(ctx: PlaygroundContext) {
  const out = document.createElement('output')
  out.dataset.testid = 'leaky-ticks'
  ctx.panel.append(out)
  setInterval(() => {
    ticks += 1
    out.textContent = String(ticks)
  }, 777)
  window.addEventListener('resize', () => {})
  return () => ctx.panel.replaceChildren()
}

export function getReloadState() {
  return { ticks }
}

export function setReloadState(state: { ticks: number }) {
  ticks = state.ticks
}
`
