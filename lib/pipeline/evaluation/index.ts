export { evaluate, type EvaluateOptions, type EvaluationProgress, type EvaluationRun } from "./evaluate";
export { evaluateItem, genevalPosition, itemSeed } from "./evaluate-item";
export { evaluationProfiles, isEvaluationProfile, type EvaluationProfile } from "./profiles";
export { summariseEvaluation, pairedBootstrap, mulberry32, type EvaluationSummary, type MetricMeans } from "./summary";
export type * from "./types";
