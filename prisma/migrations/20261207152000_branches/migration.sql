-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "input" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "promptSearch" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "settings" JSONB NOT NULL,
    "roles" JSONB,
    "backends" JSONB,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "error" TEXT,
    "stopReason" TEXT,
    "judgement" JSONB,
    "iterationCount" INTEGER NOT NULL DEFAULT 0,
    "bestIteration" INTEGER,
    "bestSgIoU" REAL,
    "bestImageId" TEXT,
    "shareToken" TEXT,
    "sharedAt" DATETIME,
    "shareExpiresAt" DATETIME,
    "parentRunId" TEXT,
    "forkIndex" INTEGER,
    "rootRunId" TEXT,
    "steer" JSONB,
    CONSTRAINT "Run_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("attempts", "backends", "bestImageId", "bestIteration", "bestSgIoU", "cancelRequested", "createdAt", "error", "finishedAt", "id", "input", "iterationCount", "judgement", "prompt", "promptSearch", "roles", "settings", "shareExpiresAt", "shareToken", "sharedAt", "startedAt", "status", "stopReason", "target", "updatedAt") SELECT "attempts", "backends", "bestImageId", "bestIteration", "bestSgIoU", "cancelRequested", "createdAt", "error", "finishedAt", "id", "input", "iterationCount", "judgement", "prompt", "promptSearch", "roles", "settings", "shareExpiresAt", "shareToken", "sharedAt", "startedAt", "status", "stopReason", "target", "updatedAt" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE UNIQUE INDEX "Run_shareToken_key" ON "Run"("shareToken");
CREATE INDEX "Run_status_createdAt_idx" ON "Run"("status", "createdAt");
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");
CREATE INDEX "Run_rootRunId_idx" ON "Run"("rootRunId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
