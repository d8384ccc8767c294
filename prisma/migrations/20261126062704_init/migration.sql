-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "input" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "promptSearch" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "settings" JSONB NOT NULL,
    "roles" JSONB,
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
    "sharedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Iteration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "imageId" TEXT NOT NULL,
    "instruction" TEXT,
    "detected" JSONB NOT NULL,
    "critique" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "sgIoU" REAL NOT NULL,
    "durationsMs" JSONB NOT NULL,
    "seeds" JSONB NOT NULL,
    "warnings" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Iteration_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Run_shareToken_key" ON "Run"("shareToken");

-- CreateIndex
CREATE INDEX "Run_status_createdAt_idx" ON "Run"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Iteration_runId_index_key" ON "Iteration"("runId", "index");
