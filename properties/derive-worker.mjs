// Bootstrap for the watchdog's worker thread: vitest's TypeScript transform does not reach workers,
// so load the TypeScript worker through tsx.
import { register } from 'tsx/esm/api';
register();
await import('./derive-worker.ts');
