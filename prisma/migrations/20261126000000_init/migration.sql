-- CreateEnum
CREATE TYPE "TemplateStatus" AS ENUM ('Inactive', 'Active');

-- CreateEnum
CREATE TYPE "ValidationState" AS ENUM ('pending', 'running', 'passed', 'failed');

-- CreateTable
CREATE TABLE "templates" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "image" TEXT NOT NULL,
    "oci_registry_username" TEXT,
    "oci_registry_token_ciphertext" BYTEA,
    "status" "TemplateStatus" NOT NULL DEFAULT 'Inactive',
    "apps" JSONB NOT NULL DEFAULT '[]',
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "spec_version" INTEGER NOT NULL DEFAULT 1,
    "validation_state" "ValidationState" NOT NULL DEFAULT 'pending',
    "validation_error" JSONB,
    "validation_report" JSONB,
    "validation_checked_at" TIMESTAMPTZ(3),
    "validation_attempts" INTEGER NOT NULL DEFAULT 0,
    "validation_queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "org_template_counts" (
    "org_id" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "org_template_counts_pkey" PRIMARY KEY ("org_id")
);

-- CreateIndex
CREATE INDEX "templates_org_id_created_at_id_idx" ON "templates"("org_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "templates_validation_state_queued_at_idx" ON "templates"("validation_state", "validation_queued_at");

-- CreateIndex
CREATE UNIQUE INDEX "templates_org_id_name_key_key" ON "templates"("org_id", "name_key");
