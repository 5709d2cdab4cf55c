import { Module } from '@nestjs/common';
import { DatabaseHealth } from './database-health';
import { EventCommits } from './events/event-commits';
import { EventRepository } from './events/event.repository';
import { IdempotencyRepository } from './idempotency.repository';
import { ImagePolicyRepository } from './image-policy.repository';
import { PrismaService } from './prisma.service';
import { RegistryCredentialRepository } from './registry-credential.repository';
import { RegistryCredentialUseRepository } from './registry-credential-use.repository';
import { TemplateReadRepository } from './template-read.repository';
import { TemplateValidationRepository } from './template-validation.repository';
import { TemplateWriteRepository } from './template-write.repository';
import { TokenRotationRepository } from './token-rotation.repository';
import { ValidationOutboxRepository } from './validation-outbox.repository';
import { WebhookDeliveryRepository } from './webhooks/webhook-delivery.repository';
import { WebhookRepository } from './webhooks/webhook.repository';

const REPOSITORIES = [
  TemplateReadRepository,
  TemplateWriteRepository,
  TemplateValidationRepository,
  ValidationOutboxRepository,
  TokenRotationRepository,
  IdempotencyRepository,
  RegistryCredentialRepository,
  RegistryCredentialUseRepository,
  ImagePolicyRepository,
  EventRepository,
  WebhookRepository,
  WebhookDeliveryRepository,
];

/** The database: PrismaService stays inside (not exported); apps inject the repositories. */
@Module({
  providers: [PrismaService, DatabaseHealth, EventCommits, ...REPOSITORIES],
  exports: [DatabaseHealth, ...REPOSITORIES],
})
export class DbModule {}
