/** The host API every playground plugin receives in `activate(ctx)`. */
export interface PlaygroundContext {
  /** The plugin's own panel body: render into it, and empty it in your teardown. */
  panel: HTMLElement
  /** Sets the panel's title. */
  setTitle(title: string): void
  /** Writes a line to the dashboard's activity log. */
  log(message: string): void
}
