import { Injectable } from '@nestjs/common';
import { CLAIM_DUE_REVALIDATIONS_SQL, REVALIDATION_POPULATION_ESTIMATE_SQL, UNFINISHED_VALIDATIONS_SQL } from './outbox-queries';
import { PrismaService } from './prisma.service';

/**
 * The template row is the record of pending validation work (the outbox): when a job is
 * queued, which templates have no live job, and which Active ones are due for a periodic
 * re-validation. SQL throughout: the re-validation claim needs `FOR UPDATE SKIP LOCKED`,
 * which the query builder cannot express. The sweep's and the scheduler's reads are the
 * statements of outbox-queries.ts (shared with the benchmark), on the pg pool.
 */
@Injectable()
export class ValidationOutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Templates whose validation is pending or running and was queued before `queuedBefore`, oldest first. */
  async findUnfinishedValidations(queuedBefore: Date, limit: number): Promise<string[]> {
    const { rows } = await this.prisma.pool.query<{ id: string }>(UNFINISHED_VALIDATIONS_SQL, [queuedBefore, limit]);
    return rows.map((row) => row.id);
  }

  /**
   * Puts at most `limit` Active templates whose last check is older than `interval` back to
   * pending, oldest check first, for periodic re-validation (drift and expiry). How many per
   * tick, and when, is the scheduler's pacing (RevalidationScheduler).
   */
  async claimDueRevalidations(intervalMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.prisma.pool.query<{ id: string }>(CLAIM_DUE_REVALIDATIONS_SQL, [intervalMs, limit]);
    return rows.map((row) => row.id);
  }

  /** About how many templates are re-validated periodically (Postgres' statistics; 0 before the first ANALYZE). */
  async estimateRevalidationPopulation(): Promise<number> {
    const { rows } = await this.prisma.pool.query<{ estimate: number | null }>(REVALIDATION_POPULATION_ESTIMATE_SQL);
    return rows[0]?.estimate ?? 0;
  }

  /**
   * The jobs could not be added (Redis away): date the rows' queueing back to the epoch so the
   * next sweep picks them up at once, whatever SWEEP_MIN_AGE says.
   */
  async markAllNotQueued(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE templates SET validation_queued_at = ${new Date(0)}::timestamptz WHERE id = ANY(${[...ids]}::uuid[])`;
  }

  /** The sweep found (or gave) these templates a live job: their queueing starts now. */
  async markQueued(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE templates SET validation_queued_at = ${new Date()}::timestamptz WHERE id = ANY(${[...ids]}::uuid[])`;
  }
}
