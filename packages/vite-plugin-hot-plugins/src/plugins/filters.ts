/** A hook filter matching exactly this id (what `exactRegex` of Rolldown's filter helpers makes). */
export function exactRegex(id: string): RegExp {
  return new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
}

/** A module id without its query (`?t=…`, `?import`): the file it is. */
export function withoutQuery(id: string): string {
  return id.split('?', 1)[0] as string
}
