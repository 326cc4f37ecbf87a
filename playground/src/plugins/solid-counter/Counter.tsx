/** @jsxImportSource solid-js */
import { createSignal, type Accessor } from 'solid-js'

// This module exports only components, so solid-refresh handles its edits: the component is
// replaced in place and the plugin is not swapped. The count comes from the entry's signal.
export function Counter(props: { count: Accessor<number>; onAdd: (step: number) => void }) {
  const [step, setStep] = createSignal(1)
  return (
    <>
      <strong data-testid="solid-label">Clicks</strong>
      <output data-testid="solid-count">{props.count()}</output>
      <button data-testid="solid-add" onClick={() => props.onAdd(step())}>
        +{step()}
      </button>
      <button data-testid="solid-step" onClick={() => setStep(step() + 1)}>
        step {step()}
      </button>
    </>
  )
}
