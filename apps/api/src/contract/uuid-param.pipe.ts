import { PipeTransform } from '@nestjs/common';
import { DomainError } from '@app/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A resource id in the path. Ids are UUIDs, so anything else names nothing: 404 with the
 * resource's own message, exactly as for a UUID that matches no row (never a 400 that tells
 * a caller more than "not found").
 */
export class UuidOr404Pipe implements PipeTransform<string, string> {
  constructor(private readonly notFoundMessage: string) {}

  transform(value: string): string {
    if (!UUID.test(value)) throw DomainError.notFound(this.notFoundMessage);
    return value.toLowerCase();
  }
}
