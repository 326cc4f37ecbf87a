/** Vite's `base` ending in `/`, for the paths the dev server serves under it. */
export function baseFolder(base: string): string {
  return base.endsWith('/') ? base : `${base}/`
}

/** A URL the dev server serves (a request's, or one a page names) as Vite's module graph names it: without `base`. */
export function withoutBase(url: string, base: string): string {
  return base !== '/' && url.startsWith(base) ? url.slice(base.length - 1) : url
}
