import type { PlaygroundContext } from '../../host/context'

// Notes takes its accent colour from the theme plugin when it starts: when the theme is swapped,
// notes is stopped first and started again against the new theme, its text kept.
export const meta = { version: '1.0.0', dependsOn: ['theme'] }

const placeholder = 'Write a note…'

interface NotesState {
  text: string
  selectionStart: number
  selectionEnd: number
  focused: boolean
}

let textarea: HTMLTextAreaElement | undefined

export function activate(ctx: PlaygroundContext) {
  ctx.setTitle('Notes')
  textarea = document.createElement('textarea')
  textarea.dataset.testid = 'notes-text'
  textarea.placeholder = placeholder
  textarea.rows = 5
  const accent = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()
  textarea.dataset.accent = accent
  textarea.style.outline = `2px solid ${accent}`
  ctx.panel.append(textarea)
  return () => {
    ctx.panel.replaceChildren()
    textarea = undefined
  }
}

export function getReloadState(): NotesState {
  return {
    text: textarea?.value ?? '',
    selectionStart: textarea?.selectionStart ?? 0,
    selectionEnd: textarea?.selectionEnd ?? 0,
    focused: textarea !== undefined && document.activeElement === textarea,
  }
}

export function setReloadState(state: NotesState) {
  if (!textarea) return
  textarea.value = state.text
  textarea.setSelectionRange(state.selectionStart, state.selectionEnd)
  if (state.focused) textarea.focus()
}
