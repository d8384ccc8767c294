-- AlterTable
ALTER TABLE "Run" ADD COLUMN "shareExpiresAt" DATETIME;
