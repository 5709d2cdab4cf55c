-- CreateTable
CREATE TABLE "org_image_policies" (
    "org_id" TEXT NOT NULL,
    "require_signature" BOOLEAN NOT NULL DEFAULT false,
    "trusted_keys" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "org_image_policies_pkey" PRIMARY KEY ("org_id")
);
