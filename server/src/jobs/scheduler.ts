/**
 * A small job scheduler that is safe with any number of API instances and survives restarts.
 * Each run first claims a lease on the job (one conditional upsert); whoever holds the lease runs
 * it. Jobs themselves only make conditional, repeatable updates ("due and still in state X → Y"),
 * so a run cut short by a crash is simply finished by the next run.
 */
import { hostname } from 'node:os';
import { model, Schema } from 'mongoose';
import { trustedOperators } from '../db/connection';
import { isDuplicateKey } from '../http/errors';
import type { Logger } from '../http/logger';

const jobLeaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: String, default: null },
    leasedUntil: { type: Date, default: null },
    lastRunAt: { type: Date, default: null },
    lastResult: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'job_leases', versionKey: false },
);
export const JobLease = model('JobLease', jobLeaseSchema);

export interface Job {
  name: string;
  everyMs: number;
  run(now: Date): Promise<Record<string, number> | undefined>;
}

const OWNER = `${hostname()}:${process.pid}`;

/** Claims the job's lease for `leaseMs`; false when another instance holds a live lease. */
export async function claimLease(name: string, leaseMs: number, now = new Date(), owner = OWNER): Promise<boolean> {
  try {
    const claimed = await JobLease.findOneAndUpdate(
      { _id: name, $or: [{ leasedUntil: null }, { leasedUntil: trustedOperators({ $lte: now }) }, { owner }] },
      { $set: { owner, leasedUntil: new Date(now.getTime() + leaseMs) } },
      { upsert: true, new: true, lean: true },
    );
    return claimed?.owner === owner;
  } catch (error) {
    if (isDuplicateKey(error)) return false; // the lease exists and is held by someone else
    throw error;
  }
}

export async function runJobOnce(job: Job, log: Logger, now = new Date()): Promise<Record<string, number> | undefined> {
  if (!(await claimLease(job.name, Math.max(job.everyMs, 30_000), now))) return undefined;
  try {
    const result = await job.run(now);
    if (result && Object.values(result).some((count) => count > 0)) log.info({ job: job.name, ...result }, 'job ran');
    return result;
  } finally {
    await JobLease.updateOne(
      { _id: job.name, owner: OWNER },
      { $set: { leasedUntil: null, lastRunAt: now, lastResult: null } },
    );
  }
}

export function startScheduler(jobs: Job[], log: Logger): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  for (const job of jobs) {
    const tick = () => {
      if (stopped) return;
      const run = runJobOnce(job, log)
        .catch((error) => log.error({ err: error, job: job.name }, 'job failed'))
        .finally(() => running.delete(run));
      running.add(run);
    };
    // Stagger the first runs a little so several instances starting together do not collide.
    timers.push(setTimeout(tick, 1000 + Math.floor(Math.random() * 2000)));
    timers.push(setInterval(tick, job.everyMs));
  }
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
