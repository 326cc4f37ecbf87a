import { useState, useSyncExternalStore } from 'react'
import type { CounterState, Store } from './store'

// This module exports only components, so React Fast Refresh handles its edits: it re-renders
// in place, keeping `step` (component state) and the store's count. The plugin is not swapped.
export function Counter({ store }: { store: Store<CounterState> }) {
  const { count } = useSyncExternalStore(store.subscribe, store.get)
  const [step, setStep] = useState(1)
  return (
    <>
      <strong data-testid="react-label">Clicks</strong>
      <output data-testid="react-count">{count}</output>
      <button data-testid="react-add" onClick={() => store.set({ count: count + step })}>
        +{step}
      </button>
      <button data-testid="react-step" onClick={() => setStep(step + 1)}>
        step {step}
      </button>
    </>
  )
}
