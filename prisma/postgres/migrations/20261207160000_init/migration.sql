-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
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
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "stopReason" TEXT,
    "judgement" JSONB,
    "iterationCount" INTEGER NOT NULL DEFAULT 0,
    "bestIteration" INTEGER,
    "bestSgIoU" DOUBLE PRECISION,
    "bestImageId" TEXT,
    "shareToken" TEXT,
    "sharedAt" TIMESTAMP(3),
    "shareExpiresAt" TIMESTAMP(3),
    "parentRunId" TEXT,
    "forkIndex" INTEGER,
    "rootRunId" TEXT,
    "steer" JSONB,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Iteration" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "imageId" TEXT NOT NULL,
    "instruction" TEXT,
    "detected" JSONB NOT NULL,
    "critique" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "sgIoU" DOUBLE PRECISION NOT NULL,
    "durationsMs" JSONB NOT NULL,
    "seeds" JSONB NOT NULL,
    "warnings" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Iteration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "name" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "fileName" TEXT,
    "itemCount" INTEGER NOT NULL,
    "settings" JSONB NOT NULL,
    "skipped" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "Evaluation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvaluationItem" (
    "id" TEXT NOT NULL,
    "evaluationId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "itemId" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "category" JSONB NOT NULL,
    "runId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "result" JSONB,
    "oneShotSgIoU" DOUBLE PRECISION,
    "loopSgIoU" DOUBLE PRECISION,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "EvaluationItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Run_shareToken_key" ON "Run"("shareToken");

-- CreateIndex
CREATE INDEX "Run_status_createdAt_idx" ON "Run"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE INDEX "Run_rootRunId_idx" ON "Run"("rootRunId");

-- CreateIndex
CREATE UNIQUE INDEX "Iteration_runId_index_key" ON "Iteration"("runId", "index");

-- CreateIndex
CREATE INDEX "Evaluation_createdAt_idx" ON "Evaluation"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationItem_runId_key" ON "EvaluationItem"("runId");

-- CreateIndex
CREATE INDEX "EvaluationItem_evaluationId_status_idx" ON "EvaluationItem"("evaluationId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationItem_evaluationId_index_key" ON "EvaluationItem"("evaluationId", "index");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Iteration" ADD CONSTRAINT "Iteration_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvaluationItem" ADD CONSTRAINT "EvaluationItem_evaluationId_fkey" FOREIGN KEY ("evaluationId") REFERENCES "Evaluation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvaluationItem" ADD CONSTRAINT "EvaluationItem_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;


