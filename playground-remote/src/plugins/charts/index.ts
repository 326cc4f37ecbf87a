import type { HostContext } from './context'
import { renderBars } from './bars'
import './charts.css'

// `theme` is the host's plugin: this one starts after it, and again when it is swapped.
export const meta = { version: '1.0.0', dependsOn: ['theme'] }

const title = 'Charts'

let values: number[] = [3]
let render = (): void => {}

export function activate(ctx: HostContext) {
  ctx.setTitle(title)
  const heading = document.createElement('strong')
  heading.dataset.testid = 'charts-title'
  const chart = document.createElement('div')
  const button = document.createElement('button')
  button.dataset.testid = 'charts-add'
  button.textContent = 'add a bar'
  button.addEventListener('click', () => {
    values = [...values, values.length + 3]
    render()
  })
  const count = document.createElement('output')
  count.dataset.testid = 'charts-count'
  render = () => {
    heading.textContent = title
    chart.replaceChildren(...renderBars(values))
    count.textContent = `${values.length} bars`
  }
  render()
  ctx.panel.append(heading, chart, count, button)
  return () => ctx.panel.replaceChildren()
}

export function getReloadState() {
  return { values }
}

export function setReloadState(state: { values: number[] }) {
  values = state.values
  render()
}
