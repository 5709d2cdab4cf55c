-- AlterTable
ALTER TABLE "templates" ADD COLUMN     "validation_basis" JSONB;
