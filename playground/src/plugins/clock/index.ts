import type { PlaygroundContext } from '../../host/context'

export const meta = { version: '1.0.0' }

/** Seconds the clock has ticked, kept across hot reloads. */
let ticks = 0
let render = (): void => {}

export function activate(ctx: PlaygroundContext) {
  ctx.setTitle('Clock')
  const time = document.createElement('time')
  time.dataset.testid = 'clock-time'
  const counter = document.createElement('small')
  counter.dataset.testid = 'clock-ticks'
  render = () => {
    time.textContent = new Date().toLocaleTimeString()
    counter.textContent = `${ticks} ticks`
  }
  render()
  ctx.panel.append(time, counter)
  // Without this teardown every reload would add one more timer, and the clock would tick faster.
  const timer = setInterval(() => {
    ticks += 1
    render()
  }, 1000)
  return () => {
    clearInterval(timer)
    ctx.panel.replaceChildren()
  }
}

export function getReloadState() {
  return { ticks }
}

export function setReloadState(state: { ticks: number }) {
  ticks = state.ticks
  render()
}
