// How restart's events read to a person: one line per workload decision, then rollout progress
// as a live block (one line per workload, rewritten in place) on a TTY, or one line per change
// elsewhere (CI logs, pipes). Shared by `restart` and `rotate`.
import {formatDurationShort} from './format.js';
import {workloadId, type RestartEvent, type RestartReport, type WorkloadResult} from './restart.js';
import type {WorkloadRef} from './rollout-wait.js';
import {writeErr} from '../io/stdio.js';

export interface RestartView {
  onEvent(e: RestartEvent): void;
}

export function restartView(out: NodeJS.WritableStream & {isTTY?: boolean; columns?: number}, opts: {dryRun?: boolean; live?: boolean} = {}): RestartView {
  // A live view is decoration: only on a terminal, and never with NO_COLOR (as STYLE.md asks).
  const live = opts.live ?? Boolean(out.isTTY && process.env.TERM !== 'dumb' && !('NO_COLOR' in process.env));
  const ids = new Map<WorkloadRef, string>();
  const lines = new Map<string, string>();
  let rendered = 0;
  let timeoutMs = 0;

  const redraw = () => {
    const width = Math.max(20, (out.columns || 120) - 1);
    let text = rendered > 0 ? `\x1b[${rendered}F` : '';
    for (const line of lines.values()) text += `\x1b[2K${line.length > width ? line.slice(0, width - 1) + '…' : line}\n`;
    rendered = lines.size;
    out.write(text);
  };
  const show = (id: string, line: string) => {
    if (live) {
      lines.set(id, line);
      redraw();
    } else out.write(`${line}\n`);
  };

  return {
    onEvent(e) {
      switch (e.type) {
        case 'warning':
          writeErr(`warning: ${e.message}\n`);
          break;
        case 'result':
          out.write(`${resultLine(e.result, Boolean(opts.dryRun))}\n`);
          break;
        case 'waiting':
          for (const w of e.workloads) ids.set(w, workloadId(w));
          timeoutMs = e.timeoutMs;
          out.write(`Waiting for ${e.workloads.length} rollout${e.workloads.length === 1 ? '' : 's'} to finish (timeout ${formatDurationShort(timeoutMs)})...\n`);
          if (live) for (const w of e.workloads) lines.set(workloadId(w), `${workloadId(w)}: waiting...`);
          if (live) redraw();
          break;
        case 'progress': {
          const id = ids.get(e.workload) ?? workloadId(e.workload);
          show(id, `${id}: ${e.status.message}`);
          break;
        }
        case 'rollout': {
          const r = e.result;
          const id = workloadId(r);
          if (!r.rollout || r.rollout.state === 'done') break; // its last progress line said so
          const what = r.rollout.state === 'timeout' ? `timed out after ${formatDurationShort(timeoutMs)}` : r.rollout.state === 'failed' ? 'rollout failed' : 'error';
          show(id, `${id}: ${what}: ${r.rollout.message}`);
          break;
        }
      }
    },
  };
}

export function resultLine(r: WorkloadResult, dryRun: boolean): string {
  const id = workloadId(r);
  switch (r.action) {
    case 'restart':
      if (dryRun) return `${id} would be restarted: ${r.reason}`;
      return r.pods && r.rollout ? `${id} restarted: ${r.rollout.message}` : `${id} restarted`;
    case 'up-to-date':
      return r.inProgress ? `${id}: ${r.reason}` : `${id} skipped: ${r.reason}`;
    case 'delete-pod':
      if (r.applied) return `${id} deleted`;
      return dryRun && r.reason.startsWith('bare pod') ? `${id} would be deleted: ${r.reason}` : `${id}: ${r.reason}`;
    case 'forbidden':
    case 'error':
      return `${id} not restarted: ${r.reason}`;
    default:
      return `${id}: ${r.reason}`;
  }
}

/** The error line for what did not complete, naming each workload and why. */
export function incompleteSummary(report: RestartReport): string {
  const why = (r: WorkloadResult): string => {
    if (r.rollout && r.rollout.state !== 'done') return r.rollout.state === 'timeout' ? 'timed out' : r.rollout.state === 'failed' ? 'rollout failed' : 'error while waiting';
    if (r.inProgress) return 'rollout in progress';
    return r.action === 'paused' ? 'paused' : r.action === 'forbidden' ? 'forbidden' : 'error';
  };
  return `${report.incomplete.length} of ${report.results.length} workload${report.results.length === 1 ? '' : 's'} did not complete: ${report.incomplete.map((r) => `${workloadId(r)} (${why(r)})`).join(', ')}`;
}
