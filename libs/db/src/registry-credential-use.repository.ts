import { Injectable } from '@nestjs/common';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import { CredentialLastError, RegistryCredentialForUse } from './registry-credential.types';

/**
 * The validation worker's reads and writes of registry credentials: the credential a
 * template refers to (with its encrypted secret, which only the worker decrypts), and the
 * outcome of each validation that used it.
 */
@Injectable()
export class RegistryCredentialUseRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findForUse(id: string): Promise<RegistryCredentialForUse | null> {
    const row = await this.prisma.registryCredential.findUnique({
      where: { id },
      select: {
        id: true,
        orgId: true,
        name: true,
        registry: true,
        kind: true,
        username: true,
        awsAccessKeyId: true,
        awsRegion: true,
        awsRoleArn: true,
        awsExternalId: true,
        secretCiphertext: true,
        secretVersion: true,
      },
    });
    return row;
  }

  /** `last_used_at` is now; `last_error` is what the validation said (null when it passed). */
  async recordUse(id: string, error: CredentialLastError | null): Promise<void> {
    await this.prisma.registryCredential.updateMany({
      where: { id },
      data: { lastUsedAt: new Date(), lastError: error ? (error as unknown as Prisma.InputJsonValue) : Prisma.DbNull },
    });
  }
}
