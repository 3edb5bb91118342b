// A Node worker thread that runs js/worker.js as a browser's module worker would: its `self` posts to
// the parent, and the parent's messages reach its `onmessage` once the module has loaded.
import { parentPort, workerData } from 'node:worker_threads';

globalThis.self = { postMessage: (message, transfer) => parentPort.postMessage(message, transfer) };
await import(workerData);
parentPort.on('message', (data) => globalThis.self.onmessage({ data }));
