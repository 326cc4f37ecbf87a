import type { PlaygroundContext } from '../../host/context'

export const meta = { version: '1.0.0' }

/** The accent colour other plugins read when they start (see `notes`, which depends on this plugin). */
const accent = '#3559e0'

export function activate(ctx: PlaygroundContext) {
  ctx.setTitle('Theme')
  document.documentElement.style.setProperty('--accent', accent)
  const swatch = document.createElement('code')
  swatch.dataset.testid = 'theme-accent'
  swatch.textContent = `accent ${accent}`
  swatch.style.borderLeft = `1.5rem solid ${accent}`
  swatch.style.paddingLeft = '0.5rem'
  ctx.panel.append(swatch)
  return () => {
    document.documentElement.style.removeProperty('--accent')
    ctx.panel.replaceChildren()
  }
}
