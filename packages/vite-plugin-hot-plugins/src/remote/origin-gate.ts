import type { IncomingMessage } from 'node:http'

/** The `Origin` of a request made from another origin (a host's page or dev server); undefined for one of this server's own pages. */
export function foreignOrigin(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const origin = req.headers.origin
  if (typeof origin !== 'string' || origin === 'null') return undefined
  try {
    return new URL(origin).host === req.headers.host ? undefined : origin
  } catch {
    return origin
  }
}

/** Whether `origin` is one of `allowed` (exact origins, or RegExps tested against it). */
export function isAllowedOrigin(origin: string, allowed: readonly (string | RegExp)[]): boolean {
  return allowed.some((rule) => (typeof rule === 'string' ? rule === origin : rule.test(origin)))
}
