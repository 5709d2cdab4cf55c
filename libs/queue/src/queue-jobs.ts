import type { Queue } from 'bullmq';
import { withTimeout } from '@app/common';

/** The queue bookkeeping both producers share: job states, removing finished records, depth. */

/** The state of each job, in order (`unknown` when there is none); throws when Redis cannot be asked. */
export function jobStatesOf(queue: Queue, ids: readonly string[]) {
  return Promise.all(ids.map((id) => queue.getJobState(id)));
}

/** Removes the jobs' records (a finished job's record blocks its id); throws when one could not be removed. */
export async function removeJobs(queue: Queue, ids: readonly string[]): Promise<void> {
  for (const id of ids) await queue.remove(id);
}

/** Jobs by state, bounded by the command timeout. */
export function queueDepth(queue: Queue, timeoutMs: number): Promise<Record<string, number>> {
  return withTimeout(queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), timeoutMs, 'Redis');
}
