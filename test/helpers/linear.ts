// The linear-time check the scan's fuzz tests share: an input RATIO times larger must cost well
// under RATIO² times as much (with room for a loaded machine), and a fuzz run of inputs made by
// repeating a unit of fragments after a head.
import assert from 'node:assert/strict';
import fc from 'fast-check';

const SMALL = 16 * 1024;
const RATIO = 8;

function best(fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/** `head`, then `unit` repeated to about `size` characters. */
export function build(head: string, unit: string, size: number): string {
  return head + unit.repeat(Math.ceil((size - head.length) / unit.length)) + '\n';
}

export function assertLinear(name: string, make: (size: number) => string, run: (text: string) => void): void {
  const small = make(SMALL);
  const large = make(SMALL * RATIO);
  run(small); // compile the regular expressions and warm the JIT before timing
  const ts = best(() => run(small));
  const tl = best(() => run(large));
  assert.ok(tl <= ts * RATIO * 3 + 150, `${name}: ${SMALL} B took ${ts.toFixed(1)} ms, ${SMALL * RATIO} B took ${tl.toFixed(1)} ms (${(tl / Math.max(ts, 0.01)).toFixed(1)}×)`);
}

/** Fuzz: for a head and a unit of up to five fragments, `run` stays linear in the unit's repetitions. */
export function assertLinearForRepeatedUnits(heads: string[], fragments: string[], run: (text: string) => void, o: {numRuns: number; headChars: number}): void {
  fc.assert(
    fc.property(fc.constantFrom(...heads), fc.array(fc.constantFrom(...fragments), {minLength: 1, maxLength: 5}), (head, parts) => {
      const unit = parts.join('');
      assertLinear(JSON.stringify(head.slice(0, o.headChars) + '…' + unit), (n) => build(head, unit, n), run);
    }),
    {numRuns: o.numRuns},
  );
}
