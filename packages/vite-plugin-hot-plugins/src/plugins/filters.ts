/** A hook filter matching exactly this id (what `exactRegex` of Rolldown's filter helpers makes). */
export function exactRegex(id: string): RegExp {
  return new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
}

/** A module id without its query (`?t=…`, `?import`): the file it is. */
export function withoutQuery(id: string): string {
  return id.split('?', 1)[0] as string
}

/**
 * Ids of virtual modules, never a file: Rollup's leading NUL byte, or Vite's `virtual:` prefix (the
 * registry's own id, `virtual:hot-plugins`, has no NUL byte). What Vite's own `isVirtualModule` checks.
 */
export const VIRTUAL_MODULE_ID = /^(?:\0|virtual:)/
