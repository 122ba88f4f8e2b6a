// A scan worker thread (parallel.ts): claims batches of the listed files, reads and scans each
// with the same step as the main thread, and posts the outcomes. Started through
// bin/scan-worker.js, which loads it from the bundle with its code cache as bin/run.js loads
// the command.
import {parentPort, workerData} from 'node:worker_threads';
import {readWorkingFile} from './files.js';
import type {WorkerInput, WorkerMessage} from './parallel.js';
import {fileOutcome, type FileStepContext} from './per-file.js';
import {globMatcher} from './suppress.js';

async function work(d: WorkerInput): Promise<void> {
  const port = parentPort!;
  const post = (m: WorkerMessage) => port.postMessage(m);
  if (d.fault === 'exit') process.exit(70);
  const o: FileStepContext = {rules: new Set(d.rules), references: d.references, allow: d.allow.length ? globMatcher(d.allow) : undefined, maxFileSize: d.maxFileSize};
  const next = new Int32Array(d.counter);
  let file: string | undefined;
  try {
    if (d.fault === 'throw') throw new Error('test fault');
    for (let start = Atomics.add(next, 0, 1) * d.batch; start < d.files.length; start = Atomics.add(next, 0, 1) * d.batch) {
      const outcomes = [];
      for (let i = start; i < Math.min(start + d.batch, d.files.length); i++) {
        const f = d.files[i];
        file = f.display;
        outcomes.push(await fileOutcome(f, readWorkingFile(f.abs, d.maxFileSize), o));
      }
      post({type: 'batch', start, outcomes});
    }
    post({type: 'done'});
  } catch (e) {
    post({type: 'failed', file, name: e instanceof Error ? e.name : typeof e});
  }
}

if (parentPort) void work(workerData as WorkerInput);
