/** @jsxImportSource preact */
import { useState } from 'preact/hooks'

// This module exports only components, so Prefresh handles its edits: it re-renders in place,
// keeping `step` (hook state); the count is the entry's. The plugin is not swapped.
export function Counter({ count, onAdd }: { count: number; onAdd: (step: number) => void }) {
  const [step, setStep] = useState(1)
  return (
    <>
      <strong data-testid="preact-label">Clicks</strong>
      <output data-testid="preact-count">{count}</output>
      <button data-testid="preact-add" onClick={() => onAdd(step)}>
        +{step}
      </button>
      <button data-testid="preact-step" onClick={() => setStep(step + 1)}>
        step {step}
      </button>
    </>
  )
}
