import { Injectable } from '@nestjs/common';
import { ValidationOutboxRepository } from '@app/db';
import { ValidationQueueProducer } from '@app/queue';

/** Jobs handed to Redis per call (one `addBulk`), so a large org is queued in bounded steps. */
const HANDOVER_BATCH = 500;

/**
 * Hands templates whose rows are already pending to the validation worker, in batches. Job ids
 * are template ids, so a template whose job is queued or running is not doubled. A batch Redis
 * cannot take stays recorded in its rows, dated back so that the worker's next outbox sweep
 * queues it at once: the row, not the job, is the record of pending work.
 */
@Injectable()
export class ValidationHandover {
  constructor(
    private readonly queue: ValidationQueueProducer,
    private readonly outbox: ValidationOutboxRepository,
  ) {}

  async handOver(templateIds: readonly string[]): Promise<void> {
    for (let start = 0; start < templateIds.length; start += HANDOVER_BATCH) {
      const batch = templateIds.slice(start, start + HANDOVER_BATCH);
      if ((await this.queue.enqueueMany(batch)) === 0) await this.outbox.markAllNotQueued(batch);
    }
  }
}
