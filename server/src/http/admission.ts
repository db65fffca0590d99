/**
 * Admission: at most `maxInFlight` API requests of this instance run their handlers at once; the rest
 * wait their turn in arrival order (FIFO) before reading their body or touching the database.
 *
 * Why: under a livestream spike a thousand requests arrive within a second. The database is the
 * bottleneck (it answers a fixed number of commands per second however many are queued), so letting
 * all of them in does not make any of them faster: it only keeps a thousand half-done requests (their
 * parsed bodies, queries and documents) alive at once, which is what drove the API's memory past
 * 300 MB in the spike benchmark. Waiting here costs a request no more time than waiting at the engine,
 * and the order they are served in stays fair.
 *
 * The hot lane (hot-reads.ts) runs before this middleware, so cached catalog answers never wait; the
 * database reads it does make (a token seen for the first time) take a slot through `run`.
 *
 * A request that waits longer than `maxWaitMs` is answered 503 `busy` with Retry-After (the client
 * retries; every write is idempotent). Webhooks (WeChat Pay notifications) and anything outside `/api`
 * are never held: they must not queue behind the requests that wait for them.
 */
import type { Context, Next } from 'koa';
import { AppError } from './errors';

export interface AdmissionOptions {
  maxInFlight: number;
  maxWaitMs: number;
  /** Paths that are never held (exact prefixes). */
  exempt: readonly string[];
}

export function admission(options: AdmissionOptions) {
  let inFlight = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };

  /** Runs `work` once it has a slot (waiting its turn), or throws 503 `busy` after `maxWaitMs`. */
  async function run<T>(work: () => Promise<T>): Promise<T> {
    if (inFlight < options.maxInFlight) {
      inFlight++;
    } else {
      // Handed a slot by `release` (the count stays as it is: one leaves, one enters).
      const admitted = await new Promise<boolean>((resolve) => {
        const turn = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          const index = waiting.indexOf(turn);
          if (index >= 0) waiting.splice(index, 1);
          resolve(false);
        }, options.maxWaitMs);
        waiting.push(turn);
      });
      if (!admitted) {
        throw new AppError('unavailable', 'busy', '当前访问人数较多，请稍后重试', undefined, { 'Retry-After': '2' });
      }
    }
    try {
      return await work();
    } finally {
      release();
    }
  }

  const middleware = async (ctx: Context, next: Next) => {
    if (!ctx.path.startsWith('/api/') || options.exempt.some((prefix) => ctx.path.startsWith(prefix))) {
      return next();
    }
    return run(() => next());
  };
  return Object.assign(middleware, {
    run,
    /** Requests running and waiting now (for tests and diagnostics). */
    stats: () => ({ inFlight, waiting: waiting.length }),
  });
}
