// Worker-thread entry: registers tsx so the TypeScript worker (workerData.entry) can load, then
// imports it. Plain JavaScript because nothing can compile this file before tsx is registered.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
