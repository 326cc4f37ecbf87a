/**
 * What an exposing dev server serves as `/@vite/client` to a host's page, in place of Vite's own
 * client. A module that uses `import.meta.hot`, and every stylesheet, imports Vite's client; in the
 * host's page that client would open a second HMR socket, to this server, and reload the host's
 * page whenever this server restarts. The host's own client and dev server bring this server's
 * updates instead, so this one keeps only what modules call: styles are added, replaced and
 * removed; hot contexts take their callbacks and never call them (the host swaps the plugins).
 */
export const VITE_CLIENT_STAND_IN = `// A plugin project's modules, running in the page of a host on another dev server.
const styles = new Map()
export function updateStyle(id, content) {
  let style = styles.get(id)
  if (!style) {
    style = document.createElement('style')
    style.setAttribute('type', 'text/css')
    style.setAttribute('data-vite-dev-id', id)
    document.head.appendChild(style)
    styles.set(id, style)
  }
  style.textContent = content
}
export function removeStyle(id) {
  styles.get(id)?.remove()
  styles.delete(id)
}
export function injectQuery(url, queryToInject) {
  if (url[0] !== '.' && url[0] !== '/') return url
  const pathname = url.replace(/[?#].*$/, '')
  const { search, hash } = new URL(url, 'http://vite.dev')
  return pathname + '?' + queryToInject + (search ? '&' + search.slice(1) : '') + (hash || '')
}
export class ErrorOverlay {}
export function createHotContext() {
  const ignore = () => {}
  return { data: {}, accept: ignore, acceptExports: ignore, dispose: ignore, prune: ignore, decline: ignore, invalidate: ignore, on: ignore, off: ignore, send: ignore }
}
`
