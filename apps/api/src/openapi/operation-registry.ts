import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { OPERATION_METADATA, OperationDefinition } from '../contract/operation';

/** Every `@Endpoint` operation of the running application, as Nest registered it. */
@Injectable()
export class OperationRegistry {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  operations(): OperationDefinition[] {
    return this.discovery.getControllers().flatMap(({ instance }) => {
      if (!instance) return [];
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      return this.scanner
        .getAllMethodNames(prototype)
        .map((name) => this.reflector.get<OperationDefinition | undefined>(OPERATION_METADATA, prototype[name] as () => unknown))
        .filter((operation): operation is OperationDefinition => operation !== undefined);
    });
  }
}
