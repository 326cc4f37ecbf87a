/**
 * Fetches modules into the page's module map, parsed and not run: a later `import()` of the same
 * URL (Vite's, for the update) takes them from there instead of fetching them then. The `<link>`
 * goes once its module is in (the map keeps the module).
 */
export function prefetchModules(urls: readonly string[]): void {
  for (const url of urls) {
    const link = document.createElement('link')
    link.rel = 'modulepreload'
    link.href = url
    link.onload = link.onerror = () => link.remove()
    document.head.append(link)
  }
}
