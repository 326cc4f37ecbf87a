/** One bar per value, as wide as the value, in the host's accent colour. */
export function renderBars(values: readonly number[]): HTMLElement[] {
  return values.map((value) => {
    const bar = document.createElement('div')
    bar.dataset.testid = 'charts-bar'
    bar.style.width = `${value * 10}px`
    bar.style.height = '0.6rem'
    bar.style.margin = '2px 0'
    bar.style.background = 'var(--accent, gray)'
    return bar
  })
}
