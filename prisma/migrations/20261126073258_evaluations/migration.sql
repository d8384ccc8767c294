-- CreateTable
CREATE TABLE "Evaluation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "name" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "fileName" TEXT,
    "itemCount" INTEGER NOT NULL,
    "settings" JSONB NOT NULL,
    "skipped" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "error" TEXT
);

-- CreateTable
CREATE TABLE "EvaluationItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "evaluationId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "itemId" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "category" JSONB NOT NULL,
    "runId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "result" JSONB,
    "oneShotSgIoU" REAL,
    "loopSgIoU" REAL,
    "finishedAt" DATETIME,
    CONSTRAINT "EvaluationItem_evaluationId_fkey" FOREIGN KEY ("evaluationId") REFERENCES "Evaluation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "EvaluationItem_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Evaluation_createdAt_idx" ON "Evaluation"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationItem_runId_key" ON "EvaluationItem"("runId");

-- CreateIndex
CREATE INDEX "EvaluationItem_evaluationId_status_idx" ON "EvaluationItem"("evaluationId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationItem_evaluationId_index_key" ON "EvaluationItem"("evaluationId", "index");
