// The in-memory update source ships with the test kit (@hot-plugins/client/testing); the engine's tests use the same one.
export { memorySource } from '../../src/testing/memory-source.js'
