type Child = Node | string | undefined | false

/**
 * Makes an element. Text is only ever set through `textContent` and text nodes: nothing a plugin
 * or an error message says can become markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; testid?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  if (props.class) element.className = props.class
  if (props.testid) element.dataset.testid = props.testid
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value)
  if (props.text !== undefined) element.textContent = props.text
  for (const child of children) if (child) element.append(child)
  return element
}

export function formatMs(ms: number | undefined): string {
  return ms === undefined ? '–' : `${Math.round(ms)} ms`
}
