// Progress of a long history walk, on a terminal only: one line on stderr, rewritten in place
// (commits walked, blobs scanned, blobs/s). Piped or redirected runs print nothing.
import type {HistoryProgress} from './history.js';

export function progressReporter(stream: NodeJS.WriteStream): {update: (p: HistoryProgress) => void; done: () => void} {
  if (!stream.isTTY) return {update: () => {}, done: () => {}};
  const started = Date.now();
  let shown = false;
  return {
    update(p) {
      const secs = (Date.now() - started) / 1000;
      const rate = secs > 0 && p.blobsDone ? `, ${Math.round(p.blobsDone / secs)} blobs/s` : '';
      const blobs = p.phase === 'scan' ? `, ${p.blobsDone}/${p.blobsTotal} blobs${rate}` : '';
      stream.write(`\r\x1b[Kscan --history: ${p.commits} commits${blobs}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
