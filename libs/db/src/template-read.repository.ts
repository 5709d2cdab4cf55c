import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { ListQuery, TemplateRecord } from './template.types';
import { PUBLIC_COLUMNS_SQL, TemplateRow, toRecord } from './template-row';

/**
 * The API's reads: get one, list a page. The hot path, so plain parameterized SQL on the
 * pg pool that Prisma's adapter also uses, not Prisma's query compiler: measured with
 * `npm run bench`, the compiler was the largest cost of a GET and kept the API far below a
 * bare Fastify + pg server. The GET is named only with DATABASE_PREPARED_STATEMENTS (see
 * PrismaService): a named statement outlives the transaction, which a transaction-mode
 * PgBouncer does not allow; the list's filters vary, so it is always unnamed.
 */
@Injectable()
export class TemplateReadRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findInOrg(orgId: string, id: string): Promise<TemplateRecord | null> {
    const { rows } = await this.prisma.pool.query<TemplateRow>(
      this.prisma.statement('template_get', `SELECT ${PUBLIC_COLUMNS_SQL} FROM templates WHERE id = $1::uuid AND org_id = $2`, [id, orgId]),
    );
    return rows.length ? toRecord(rows[0]) : null;
  }

  /** Newest first, ties broken by id; keyset pagination so pages stay stable under writes. */
  async listInOrg(orgId: string, query: ListQuery): Promise<TemplateRecord[]> {
    const values: unknown[] = [orgId];
    const filters = ['org_id = $1'];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (query.after) filters.push(`(created_at, id) < (${param(query.after.createdAt)}::timestamptz, ${param(query.after.id)}::uuid)`);
    if (query.status) filters.push(`status = ${param(query.status)}::"TemplateStatus"`);
    if (query.category) filters.push(`category = ${param(query.category)}`);
    if (query.namePrefix) filters.push(`name_key LIKE ${param(escapeLike(query.namePrefix.toLowerCase()) + '%')}`);
    const { rows } = await this.prisma.pool.query<TemplateRow>(
      `SELECT ${PUBLIC_COLUMNS_SQL} FROM templates WHERE ${filters.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT ${param(query.limit)}`,
      values,
    );
    return rows.map(toRecord);
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
