import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

/**
 * The template row is the record of pending validation work (the outbox): when a job is
 * queued, which templates have no live job, and which Active ones are due for a periodic
 * re-validation. Prisma's tagged SQL throughout: the re-validation claim needs
 * `FOR UPDATE SKIP LOCKED`, which the query builder cannot express.
 */
@Injectable()
export class ValidationOutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Templates whose validation is pending or running and was queued before `queuedBefore`, oldest first. */
  async findUnfinishedValidations(queuedBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM templates
      WHERE validation_state IN ('pending', 'running') AND validation_queued_at < ${queuedBefore}::timestamptz
      ORDER BY validation_queued_at
      LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }

  /**
   * Puts Active templates whose last check is older than `interval` back to pending, for
   * periodic re-validation (drift and expiry). Each template's due time is stretched by up
   * to 10% by a hash of its id, so templates created together are not re-checked together.
   * SKIP LOCKED and the state change let several workers run this at once.
   */
  async claimDueRevalidations(intervalMs: number, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE templates SET validation_state = 'pending', validation_attempts = 0, validation_queued_at = now()
      WHERE id IN (
        SELECT id FROM templates
        WHERE status = 'Active' AND validation_state = 'passed'
          AND validation_checked_at < now() - ${intervalMs}::double precision * (1 + (abs(hashtext(id::text)) % 1000) / 10000.0) * interval '1 millisecond'
        ORDER BY validation_checked_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id`;
    return rows.map((row) => row.id);
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
