// Injected failures. A fault matches by method and path and fires at most `times` times; its
// effects compose: latency first, then either a dropped connection or an error status.
export interface Fault { status?: number; retryAfter?: number; latencyMs?: number; drop?: boolean; method?: string; path?: string | RegExp; times?: number }

interface Armed { f: Fault; left: number }

export class Faults {
  private readonly armed: Armed[] = [];

  add(f: Fault): () => void {
    const a: Armed = {f: {...f}, left: f.times ?? Infinity};
    this.armed.push(a);
    return () => {
      const i = this.armed.indexOf(a);
      if (i >= 0) this.armed.splice(i, 1);
    };
  }

  clear(): void {
    this.armed.length = 0;
  }

  /** The first armed fault for this request, consumed by one use. */
  take(method: string, path: string): Fault | undefined {
    for (let i = 0; i < this.armed.length; i++) {
      const a = this.armed[i];
      const {f} = a;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.path !== undefined && !(typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path))) continue;
      if (--a.left <= 0) this.armed.splice(i, 1);
      return f;
    }
    return undefined;
  }
}
