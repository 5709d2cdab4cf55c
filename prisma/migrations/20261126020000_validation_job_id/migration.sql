-- AlterTable
ALTER TABLE "templates" ADD COLUMN     "validation_job_id" TEXT;
