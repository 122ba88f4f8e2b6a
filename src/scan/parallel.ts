// A large path scan split over worker threads, as gitleaks and ripgrep do. Each thread runs the
// same per-file step (per-file.ts) on the files it claims; the main thread lists, claims files
// too, merges the outcomes in the order the files were listed, and renders, so the report is
// the one a single thread makes, byte for byte. Workers read the files themselves: only paths
// go to them, only findings come back.
//
// Files are claimed in batches from one shared counter (Atomics.add), so a thread that finishes
// early takes more and nobody waits on a message to get work; the main thread starts on the
// batches at once, while the workers are still starting (~50 ms of CPU each on a small machine).
//
// Fail closed: a worker that throws, is stopped, or runs out of memory fails the whole scan
// (exit 2, one `error:` line naming the file it was on); a smaller report is never printed.
//
// Knobs (environment):
// - KUBECTL_SECRET_SCAN_WORKERS=N: N threads in all (the main thread and N-1 workers), whatever
//   the number of files and the load; 1 scans in the main thread alone. Unset: see threadsFor.
// - KUBECTL_SECRET_TEST_SCAN_PARALLEL, for tests only, a comma-separated list: `throw` or `exit`
//   make every worker throw, or end its thread (exit code 70), before scanning anything, so the
//   fail-closed path can be run; `workers-only` leaves every file to the workers (the main thread
//   claims none), so a small scan's report is surely made by them; `idle` takes the load average
//   as 0, so the automatic choice can be tested on a busy machine.
import {availableParallelism, loadavg} from 'node:os';
import {Worker} from 'node:worker_threads';
import {EXIT, InputError, KsError} from '../errors.js';
import type {SourceFile} from './files.js';
import type {FileOutcome} from './per-file.js';
import type {KustomizeReference, RuleId} from './types.js';

export const WORKERS_ENV = 'KUBECTL_SECRET_SCAN_WORKERS';
export const TEST_ENV = 'KUBECTL_SECRET_TEST_SCAN_PARALLEL';
/**
 * Files per thread below which a worker costs more than it saves. A worker costs ~50 ms of CPU
 * to start, and each thread warms up its own copy of the readers (V8 compiles and optimises per
 * thread): on the corpus (1,060 files, 8.4 MB) two threads spend ~25% more CPU than one, and take
 * ~18% off the main thread's time (docs/performance.md). The commit hook (--staged) and
 * `scan FILE` never get here.
 */
export const FILES_PER_THREAD = 250;
const MAX_THREADS = 8;
/**
 * A worker's young generation (V8's semi-spaces): the scan makes many short-lived strings, and
 * a larger nursery means fewer scavenges (~10% of a worker's CPU on 5,300 files). The main
 * thread's cannot be set without a V8 flag, and a flag set at run time changes the hash the
 * code cache is checked against (every chunk's cache would be rejected and rewritten).
 */
const WORKER_YOUNG_MB = 48;
/** Files per claim: small enough to even out the threads' ends, large enough to batch messages. */
const BATCH = 16;

export interface Machine {
  cores: number;
  /** The 1-minute load average. */
  load: number;
}

const testing = (env: NodeJS.ProcessEnv = process.env): Set<string> => new Set((env[TEST_ENV] ?? '').split(','));

const thisMachine = (env: NodeJS.ProcessEnv): Machine => ({cores: availableParallelism(), load: testing(env).has('idle') ? 0 : (loadavg()[0] ?? 0)});

/**
 * How many threads scan `files` files (1: the main thread alone): one per FILES_PER_THREAD
 * files, at most the cores, MAX_THREADS, and one more than the cores the load average leaves
 * idle (as `make -l` does): on a busy machine a worker's extra CPU is taken from the neighbours
 * and buys no time (measured on a 2-core machine at load 8: slower than one thread).
 */
export function threadsFor(files: number, env: NodeJS.ProcessEnv = process.env, machine: Machine = thisMachine(env)): number {
  const asked = env[WORKERS_ENV];
  if (asked !== undefined && asked !== '') {
    if (!/^[1-9]\d{0,2}$/.test(asked)) throw new InputError(`${WORKERS_ENV}=${asked}: not a number of threads from 1 to 999`, `set it to 1 to scan in one thread, or unset it to let the scan choose`);
    return Number(asked);
  }
  const idle = Math.round(machine.cores - machine.load);
  return Math.max(1, Math.min(MAX_THREADS, machine.cores, Math.floor(files / FILES_PER_THREAD), 1 + idle));
}

/** What a worker is given: everything it needs to run the per-file step, none of it file content. */
export interface WorkerInput {
  files: SourceFile[];
  rules: RuleId[];
  references: Map<string, KustomizeReference[]>;
  /** `.kubectl-secret.yaml` scan.allow globs (a matcher cannot cross threads). */
  allow: string[];
  maxFileSize: number;
  /** Int32Array(1): the next batch to claim. */
  counter: SharedArrayBuffer;
  batch: number;
  fault?: string;
}

export type WorkerMessage =
  | {type: 'batch'; start: number; outcomes: FileOutcome[]}
  | {type: 'done'}
  /** Only the error's name: its message may quote the file. */
  | {type: 'failed'; file?: string; name: string};

export interface ParallelScan {
  job: Omit<WorkerInput, 'counter' | 'batch' | 'fault'>;
  threads: number;
  /** bin/scan-worker.js of this package. */
  entry: string;
  /** The main thread's own step for one file (the same one the workers run). */
  step: (f: SourceFile) => Promise<FileOutcome>;
}

function workerFailed(what: string, file?: string): KsError {
  return new KsError(`the scan did not finish: a worker thread ${what}${file ? ` while scanning ${file}` : ''}; no report was made`, EXIT.USAGE, `rerun with ${WORKERS_ENV}=1 to scan in one thread, and report it if it happens again`);
}

/** Every file's outcome, in the order of `job.files`; rejects if any thread failed. */
export async function scanInParallel(p: ParallelScan): Promise<FileOutcome[]> {
  const {files} = p.job;
  const outcomes: (FileOutcome | undefined)[] = new Array(files.length);
  const counter = new SharedArrayBuffer(4);
  const next = new Int32Array(counter);
  let stopped = false;
  const workers: Worker[] = [];
  const finished: Promise<void>[] = [];
  const test = testing();
  const fault = test.has('throw') ? 'throw' : test.has('exit') ? 'exit' : undefined;
  for (let i = 1; i < p.threads; i++) {
    const input: WorkerInput = {...p.job, counter, batch: BATCH, fault};
    const w = new Worker(p.entry, {workerData: input, resourceLimits: {maxYoungGenerationSizeMb: WORKER_YOUNG_MB}});
    workers.push(w);
    finished.push(new Promise<void>((resolve, reject) => {
      let done = false;
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'batch') m.outcomes.forEach((o, k) => (outcomes[m.start + k] = o));
        else if (m.type === 'done') {
          done = true;
          resolve();
        } else reject(workerFailed(`failed (${m.name})`, m.file));
      });
      w.on('error', (e) => reject(workerFailed(`failed (${e.name}${'code' in e ? ` ${String(e.code)}` : ''})`)));
      w.on('exit', (code) => (done ? resolve() : reject(workerFailed(`stopped (exit code ${code}) before it finished`))));
    }));
  }
  const own = async () => {
    if (test.has('workers-only')) return;
    for (let start = Atomics.add(next, 0, 1) * BATCH; start < files.length && !stopped; start = Atomics.add(next, 0, 1) * BATCH) {
      for (let i = start; i < Math.min(start + BATCH, files.length); i++) outcomes[i] = await p.step(files[i]);
    }
  };
  try {
    await Promise.all([own(), ...finished]);
  } catch (e) {
    stopped = true;
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  // A batch claimed and never reported would be a smaller report: never printed.
  const missing = outcomes.findIndex((o) => o === undefined);
  if (missing >= 0 || outcomes.length !== files.length) throw workerFailed('lost its results', files[missing]?.display);
  return outcomes as FileOutcome[];
}
