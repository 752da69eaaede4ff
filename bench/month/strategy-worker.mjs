// A worker thread does not inherit tsx's loader from the thread that starts it: this entry
// registers it, then loads the TypeScript worker.
import { tsImport } from 'tsx/esm/api';

await tsImport('./strategy-worker.ts', import.meta.url);
