-- AlterTable
ALTER TABLE "Run" ADD COLUMN "backends" JSONB;
