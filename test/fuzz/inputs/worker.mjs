// Bootstrap for the input fuzzer's worker threads: load the TypeScript worker through tsx.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
