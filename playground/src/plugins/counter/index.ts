import type { PlaygroundContext } from '../../host/context'
import { formatCount } from './format'

export const meta = { version: '1.0.0' }

const label = 'Count'

let count = 0
let render = (): void => {}

export function activate(ctx: PlaygroundContext) {
  ctx.setTitle('Counter')
  const title = document.createElement('strong')
  title.dataset.testid = 'counter-label'
  const value = document.createElement('output')
  value.dataset.testid = 'counter-value'
  const button = document.createElement('button')
  button.dataset.testid = 'counter-button'
  button.textContent = '+1'
  button.addEventListener('click', () => {
    count += 1
    render()
  })
  render = () => {
    title.textContent = label
    value.textContent = formatCount(count)
  }
  render()
  ctx.panel.append(title, value, button)
  return () => ctx.panel.replaceChildren()
}

export function getReloadState() {
  return { count }
}

export function setReloadState(state: { count: number }) {
  count = state.count
  render()
}
