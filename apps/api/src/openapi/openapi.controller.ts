import { Controller, Get, Header, OnApplicationBootstrap, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createReadStream } from 'node:fs';
import * as path from 'node:path';
import { DomainError } from '@app/common';
import { buildOpenApiDocument, DocumentInfo } from '../contract/openapi-document';
import { OperationRegistry } from './operation-registry';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const UI_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Custom AIRuntime Templates API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;

const DOCUMENT_INFO: DocumentInfo = {
  title: 'GPU Instance API',
  version: '0.1.0',
  description:
    'Custom AIRuntime Templates service. Generated at boot from the operations the server registers (apps/api/src/contract); the contract it extends is spec/custom-airuntime-templates.openapi.json.',
  servers: [{ url: 'https://api.ai.neevcloud.com/gpu', description: 'Consolidated public API gateway' }],
};

/** The API's OpenAPI document, generated at boot, and a Swagger UI page that renders it (no authentication). */
@Controller()
export class OpenApiController implements OnApplicationBootstrap {
  private document?: Record<string, unknown>;

  constructor(private readonly registry: OperationRegistry) {}

  onApplicationBootstrap(): void {
    this.document = buildOpenApiDocument(DOCUMENT_INFO, this.registry.operations());
  }

  @Get('openapi.json')
  openApi(): Record<string, unknown> | undefined {
    return this.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
  docs(): string {
    return DOCS_PAGE;
  }

  @Get('docs/:asset')
  asset(@Param('asset') asset: string, @Res() reply: FastifyReply): void {
    const type = UI_ASSETS[asset];
    if (!type) throw DomainError.notFound('Not found');
    reply.header('content-type', type).header('cache-control', 'public, max-age=86400').send(createReadStream(path.join(SWAGGER_UI_DIR, asset)));
  }
}
