// Starts a media worker thread: tsx's loader registered in this thread, then the TypeScript worker (as bin/cc-supervisor.js does for the engine).
import { register } from 'tsx/esm/api';

register();
await import('./relay-worker.ts');
