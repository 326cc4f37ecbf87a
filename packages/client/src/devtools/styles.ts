import type { OverlayPosition } from '../protocol/index.js'

/** The panel's own styles: they live in its shadow root and reach nothing outside it. */
export function panelStyles(position: OverlayPosition): string {
  const [vertical, horizontal] = position.split('-') as ['top' | 'bottom', 'left' | 'right']
  return `
  :host { all: initial; position: fixed; ${vertical}: 12px; ${horizontal}: 12px; z-index: 2147483645;
          display: flex; flex-direction: ${vertical === 'bottom' ? 'column-reverse' : 'column'};
          align-items: ${horizontal === 'right' ? 'flex-end' : 'flex-start'}; gap: 8px;
          font: 12px/1.4 system-ui, sans-serif; color: #e8e8ec; pointer-events: none; }
  /* The host's box spans its widest child: only the badge, notice and panel themselves take clicks. */
  .badge, .notice, .panel { pointer-events: auto; }
  * { box-sizing: border-box; }
  button { font: inherit; color: inherit; cursor: pointer; }
  .badge { display: flex; align-items: center; gap: 6px; padding: 4px 10px; border-radius: 999px;
           border: 1px solid #fff3; background: #1d1f27; box-shadow: 0 2px 8px #0005; }
  .badge .dot { width: 8px; height: 8px; border-radius: 50%; background: #3ecf8e; }
  .badge .dot.bad { background: #ff6b6b; }
  .badge .count { color: #ff8787; font-weight: 600; }
  .badge .count:empty { display: none; }
  .notice { display: flex; gap: 6px; align-items: flex-start; width: max-content; max-width: min(360px, calc(100vw - 24px));
            padding: 6px 6px 6px 10px; border-radius: 8px; background: #1d1f27; border: 1px solid #ff6b6b88; box-shadow: 0 2px 8px #0005; }
  .notice[hidden], .badge[hidden] { display: none; }
  .notice ul { list-style: none; margin: 0; padding: 0; min-width: 0; }
  .notice li { padding: 1px 0; }
  .notice li + li { border-top: 1px solid #fff1; }
  .notice .plugin { font-weight: 600; }
  .notice .outcome { color: #ff8787; }
  .notice .reason { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden;
                    overflow-wrap: anywhere; color: #c9cbd3; }
  .notice .more { color: #a0a3ad; }
  .notice-actions { display: flex; gap: 4px; flex: none; }
  .panel { width: min(560px, calc(100vw - 24px)); max-height: min(70vh, 640px); display: flex; flex-direction: column;
           background: #1d1f27; border: 1px solid #fff2; border-radius: 10px; box-shadow: 0 8px 32px #0007; overflow: hidden; }
  .panel[hidden] { display: none; }
  header { display: flex; align-items: center; gap: 4px; padding: 6px 8px; border-bottom: 1px solid #fff1; }
  header h2 { font-size: 12px; margin: 0 8px 0 2px; color: #ff9f43; }
  header .spacer { flex: 1; }
  header .tabs { display: flex; gap: 4px; }
  .tab, .action { padding: 3px 8px; border-radius: 6px; border: 1px solid transparent; background: transparent; text-decoration: none; color: inherit; }
  .tab[aria-selected="true"] { background: #fff1; border-color: #fff2; }
  .action { border-color: #fff2; }
  .body { overflow: auto; padding: 8px; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 3px 6px; vertical-align: top; }
  th { color: #a0a3ad; font-weight: 500; }
  tr + tr td { border-top: 1px solid #fff1; }
  .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .status-failed, .status-rolled-back, .outcome-rolled-back, .outcome-kept-old, .outcome-failed, .outcome-full-reload { color: #ff8787; }
  .status-reloading, .outcome-retried, .outcome-leaked { color: #ffd43b; }
  .status-disabled { color: #a0a3ad; }
  .outcome-swapped { color: #3ecf8e; }
  ol { list-style: none; margin: 0; padding: 0; }
  li { padding: 5px 2px; border-top: 1px solid #fff1; }
  .line { display: flex; gap: 8px; align-items: baseline; }
  .time, .files { color: #a0a3ad; }
  .files { font-family: ui-monospace, monospace; font-size: 11px; overflow-wrap: anywhere; }
  .plugin { font-weight: 600; }
  .line .num { margin-left: auto; }
  details summary { cursor: pointer; color: #ff8787; overflow-wrap: anywhere; }
  pre { margin: 4px 0 0; padding: 6px; max-height: 200px; overflow: auto; background: #0006; border-radius: 6px;
        font: 11px/1.4 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
  /* A code frame lines up column by column, as in the terminal: never wrapped, scrolled instead. */
  pre.frame { white-space: pre; overflow-wrap: normal; color: #e8e8ec; }
  .chart { display: flex; align-items: flex-end; gap: 2px; height: 40px; padding: 4px 0 8px; }
  .chart span { flex: 1; min-width: 3px; max-width: 14px; background: #3ecf8e; border-radius: 2px 2px 0 0; }
  .chart span.bad { background: #ff6b6b; }
  .empty { color: #a0a3ad; padding: 8px 2px; }
  label.switch { display: inline-flex; gap: 4px; align-items: center; }
  `
}
