-- CreateEnum
CREATE TYPE "RegistryCredentialKind" AS ENUM ('basic', 'aws_ecr');

-- CreateTable
CREATE TABLE "registry_credentials" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "registry" TEXT NOT NULL,
    "kind" "RegistryCredentialKind" NOT NULL,
    "username" TEXT,
    "aws_access_key_id" TEXT,
    "aws_region" TEXT,
    "aws_role_arn" TEXT,
    "aws_external_id" TEXT,
    "secret_ciphertext" BYTEA NOT NULL,
    "secret_version" INTEGER NOT NULL DEFAULT 1,
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "last_error" JSONB,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_credentials_pkey" PRIMARY KEY ("id"),
    -- Not in schema.prisma (Prisma does not model CHECK constraints): each kind has its own fields.
    CONSTRAINT "registry_credentials_kind_fields_check" CHECK (
        ("kind" = 'basic' AND "username" IS NOT NULL AND "aws_access_key_id" IS NULL AND "aws_region" IS NULL
            AND "aws_role_arn" IS NULL AND "aws_external_id" IS NULL)
        OR ("kind" = 'aws_ecr' AND "username" IS NULL AND "aws_access_key_id" IS NOT NULL AND "aws_region" IS NOT NULL
            AND ("aws_external_id" IS NULL OR "aws_role_arn" IS NOT NULL))
    )
);

-- CreateTable
CREATE TABLE "org_registry_credential_counts" (
    "org_id" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "org_registry_credential_counts_pkey" PRIMARY KEY ("org_id")
);

-- AlterTable
ALTER TABLE "templates" ADD COLUMN     "registry_credential_id" UUID;

-- Not in schema.prisma (a CHECK constraint): a template uses inline credentials or a registry credential, never both.
ALTER TABLE "templates" ADD CONSTRAINT "templates_one_kind_of_credentials_check" CHECK (
    "registry_credential_id" IS NULL OR ("oci_registry_username" IS NULL AND "oci_registry_token_ciphertext" IS NULL)
);

-- CreateIndex
CREATE UNIQUE INDEX "registry_credentials_org_id_name_key_key" ON "registry_credentials"("org_id", "name_key");

-- CreateIndex
CREATE UNIQUE INDEX "registry_credentials_org_id_id_key" ON "registry_credentials"("org_id", "id");

-- CreateIndex
CREATE INDEX "registry_credentials_org_id_created_at_id_idx" ON "registry_credentials"("org_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "templates_registry_credential_id_idx" ON "templates"("registry_credential_id");

-- AddForeignKey
ALTER TABLE "templates" ADD CONSTRAINT "templates_registry_credential_fkey" FOREIGN KEY ("org_id", "registry_credential_id") REFERENCES "registry_credentials"("org_id", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;
