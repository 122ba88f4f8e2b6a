// Injected failures. A fault matches by method, path and (optionally) query string and fires at
// most `times` times; its effects compose: latency first, then a dropped connection, a served
// body, or an error status.
//
// Knobs beyond status/latency/drop:
// - `message`: the Status message of an injected error (an admission webhook's denial, a quota
//   message), as a real API server writes it; without it the message is "injected fault (HTTP N)".
// - `query`: match the raw query string too (e.g. /continue=/ for an expired continue token,
//   /dryRun=All/ for only the dry run of a write).
// - `body`: answer 200 (or `status`) with this JSON instead of the real answer: a malformed
//   object as a buggy aggregated API server or a proxy in between could serve it.
// - `rawBody`: answer with this text (not JSON), as an HTML error page of a proxy would.
// - `dropAfter`: process the request (a write lands), then drop the connection instead of
//   answering: the client cannot know whether its write applied.
// - `mutate`: rewrite the JSON body of a write before it is processed, as a mutating admission
//   webhook (Kyverno, Gatekeeper's AssignMetadata) changes the object being written.
export interface Fault {
  status?: number;
  retryAfter?: number;
  latencyMs?: number;
  drop?: boolean;
  method?: string;
  path?: string | RegExp;
  query?: string | RegExp;
  times?: number;
  message?: string;
  body?: unknown;
  rawBody?: string;
  dropAfter?: boolean;
  mutate?: (body: any) => any;
}

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
  take(method: string, path: string, query = ''): Fault | undefined {
    for (let i = 0; i < this.armed.length; i++) {
      const a = this.armed[i];
      const {f} = a;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.path !== undefined && !(typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path))) continue;
      if (f.query !== undefined && !(typeof f.query === 'string' ? query.includes(f.query) : f.query.test(query))) continue;
      if (--a.left <= 0) this.armed.splice(i, 1);
      return f;
    }
    return undefined;
  }
}
