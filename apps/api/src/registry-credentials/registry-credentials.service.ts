import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Caller, DomainError } from '@app/common';
import { RegistryTokenCipher } from '@app/crypto';
import {
  EventOrigin,
  REGISTRY_CREDENTIAL_NOT_FOUND,
  RegistryCredentialRecord,
  RegistryCredentialRepository,
} from '@app/db';
import { TemplateWarning, ecrRegistryRegion, registryCredentialWarnings, secretExpiry } from '@app/oci';
import { MessageResponse } from '../contract/common.schemas';
import { encodeCursor, toPage } from '../contract/pagination';
import { ValidationHandover } from '../validation/validation-handover';
import { planCredentialUpdate } from './registry-credential-update';
import { toCredentialResponse } from './registry-credential.response';
import {
  ListRegistryCredentialsQuery,
  RegistryCredentialCreateRequest,
  RegistryCredentialListResponse,
  RegistryCredentialResponse,
  RegistryCredentialUpdateRequest,
} from './registry-credential.schemas';

@Injectable()
export class RegistryCredentialsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly credentials: RegistryCredentialRepository,
    private readonly cipher: RegistryTokenCipher,
    private readonly handover: ValidationHandover,
  ) {}

  /** Stores the credential with its secret encrypted under {org_id, credential_id, purpose}. Nothing is sent anywhere. */
  async create(orgId: string, caller: Caller, request: RegistryCredentialCreateRequest, origin: EventOrigin): Promise<RegistryCredentialResponse> {
    const id = randomUUID();
    const common = { id, orgId, name: request.name, registry: request.registry, kind: request.kind, createdBy: caller.userId };
    let credential: RegistryCredentialRecord;
    let warnings: TemplateWarning[] = [];
    if (request.kind === 'basic') {
      const secretCiphertext = await this.cipher.encrypt(request.secret, { orgId, credentialId: id, kind: 'basic' });
      credential = await this.credentials.create(
        {
          ...common,
          username: request.username,
          awsAccessKeyId: null,
          awsRegion: null,
          awsRoleArn: null,
          awsExternalId: null,
          secretCiphertext,
          expiresAt: secretExpiry(request.secret),
        },
        this.config.registryCredentials.quotaPerOrg,
        origin,
      );
      warnings = registryCredentialWarnings(request.registry, { username: request.username, token: request.secret });
    } else {
      const secretCiphertext = await this.cipher.encrypt(request.aws_secret_access_key, { orgId, credentialId: id, kind: 'aws_ecr' });
      credential = await this.credentials.create(
        {
          ...common,
          username: null,
          awsAccessKeyId: request.aws_access_key_id,
          awsRegion: request.aws_region,
          awsRoleArn: request.aws_role_arn ?? null,
          awsExternalId: request.aws_external_id ?? null,
          secretCiphertext,
          // ECR passwords are minted per validation; AWS keys carry no expiry of their own.
          expiresAt: null,
        },
        this.config.registryCredentials.quotaPerOrg,
        origin,
      );
    }
    return { ...toCredentialResponse(credential), warnings };
  }

  async list(orgId: string, query: ListRegistryCredentialsQuery): Promise<RegistryCredentialListResponse> {
    return toPage(await this.credentials.listInOrg(orgId, { ...query, limit: query.limit + 1 }), query.limit, toCredentialResponse, encodeCursor);
  }

  async get(orgId: string, id: string): Promise<RegistryCredentialResponse> {
    return toCredentialResponse(await this.find(orgId, id));
  }

  /**
   * Changes what was given. A rotation (a new secret, new keys, or any other change of what is
   * sent) re-encrypts the secret and queues every template that uses the credential for a
   * fresh validation; the rows are marked in the same transaction, so a lost enqueue is picked
   * up by the worker's outbox sweep, and repeating the request queues each template again once.
   */
  async update(orgId: string, id: string, request: RegistryCredentialUpdateRequest, origin: EventOrigin): Promise<RegistryCredentialResponse> {
    // The kind never changes: read it to check the fields and bind the new secret's encryption to it.
    const { kind, registry, username } = await this.find(orgId, id);
    const newSecret = kind === 'basic' ? request.secret : request.aws_secret_access_key;
    const secret = newSecret
      ? {
          ciphertext: await this.cipher.encrypt(newSecret, { orgId, credentialId: id, kind }),
          expiresAt: kind === 'basic' ? secretExpiry(newSecret) : null,
        }
      : undefined;
    const result = await this.credentials.update(orgId, id, (current) => planCredentialUpdate(request, current, secret, ecrRegistryRegion(registry)), origin);
    if (!result) throw DomainError.notFound(REGISTRY_CREDENTIAL_NOT_FOUND);
    await this.handover.handOver(result.queuedTemplateIds);
    const warnings =
      kind === 'basic' && request.secret
        ? registryCredentialWarnings(registry, { username: request.username ?? (username as string), token: request.secret })
        : [];
    return { ...toCredentialResponse(result.credential), warnings, templates_queued: result.queuedTemplateIds.length };
  }

  /** Deletes the credential and its encrypted secret; refused (credential_in_use) while templates use it. */
  async delete(orgId: string, id: string, origin: EventOrigin): Promise<MessageResponse> {
    if (!(await this.credentials.deleteInOrg(orgId, id, origin))) throw DomainError.notFound(REGISTRY_CREDENTIAL_NOT_FOUND);
    return { message: 'Registry credential deleted' };
  }

  private async find(orgId: string, id: string): Promise<RegistryCredentialRecord> {
    const credential = await this.credentials.findInOrg(orgId, id);
    if (!credential) throw DomainError.notFound(REGISTRY_CREDENTIAL_NOT_FOUND);
    return credential;
  }
}
