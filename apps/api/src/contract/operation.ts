import { applyDecorators, HttpCode, RequestMethod, RequestMapping, SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A group of operations in the document (one per resource). */
export interface ApiTag {
  name: string;
  description: string;
}

/** A response header the operation sets (documented; the value is produced by the code). */
export interface HeaderDefinition {
  description: string;
  schema: z.ZodType;
}

export interface SuccessResponse {
  description: string;
  /** Absent for responses without a JSON body (e.g. a stream, documented by `content`). */
  schema?: z.ZodType;
  /** A non-JSON body: media type and a description of its format. */
  content?: { mediaType: string; description: string };
  headers?: Record<string, HeaderDefinition>;
}

/**
 * One API operation, defined once: its route, the schemas of each request part and each
 * response, and the texts of the document. The controller method is decorated with
 * `@Endpoint(op)` (route and status come from here), its arguments are validated by pipes
 * built from the same schemas, and /openapi.json is generated from every registered
 * `@Endpoint`.
 */
export interface OperationDefinition {
  method: HttpMethod;
  /** OpenAPI form: `/api/v1beta1/orgs/{org_id}/airuntime-templates/{template_id}`. */
  path: string;
  operationId: string;
  tags: readonly ApiTag[];
  summary: string;
  description: string;
  /** Path parameters (a z.object whose keys are the `{names}` of `path`). */
  params: z.ZodObject;
  query?: z.ZodObject | z.ZodPipe<z.ZodObject>;
  /** Request headers the operation reads, by their canonical name. */
  headers?: Record<string, { description: string; schema: z.ZodType }>;
  body?: { schema: z.ZodType; description?: string };
  /** The success status and what it returns. */
  success: { status: number } & SuccessResponse;
  /** Error statuses this operation answers besides the ones every operation can (ErrorResponse bodies). */
  errors: Record<number, string>;
  /** Set to false for operations without authentication (none of the API's today). */
  authenticated?: boolean;
}

export const OPERATION_METADATA = Symbol('api-operation');

const METHODS: Record<HttpMethod, RequestMethod> = {
  get: RequestMethod.GET,
  post: RequestMethod.POST,
  put: RequestMethod.PUT,
  patch: RequestMethod.PATCH,
  delete: RequestMethod.DELETE,
};

/** Identity with checks: every `{name}` of the path is a key of `params`. */
export function defineOperation<const O extends OperationDefinition>(operation: O): O {
  const names = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  const declared = Object.keys(operation.params.shape);
  if (names.join() !== declared.join()) {
    throw new Error(`${operation.operationId}: path parameters ${names.join()} do not match params ${declared.join()}`);
  }
  return operation;
}

/** Nest route path (`:org_id`) of an OpenAPI path (`{org_id}`). */
export function routePath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** Routes the method and records its operation for the document. */
export function Endpoint(operation: OperationDefinition): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: routePath(operation.path), method: METHODS[operation.method] }),
    HttpCode(operation.success.status),
    SetMetadata(OPERATION_METADATA, operation),
  );
}
