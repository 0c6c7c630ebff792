// Starts the relay bench's worker thread: tsx's loader registered in this thread, then the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./rtp-relay-worker.ts');
