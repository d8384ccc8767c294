export { evaluate, type EvaluateOptions, type EvaluationProgress, type EvaluationRun } from "./evaluate";
export { evaluateItem, itemSeed, type EvaluateItemOptions } from "./evaluate-item";
export { genevalPosition, gradeImage, selfGraded, SELF_GRADED, type Grader, type GradedImage } from "./grade";
export { evaluationProfiles, isEvaluationProfile, type EvaluationProfile } from "./profiles";
export { describeGrading, summariseEvaluation, pairedBootstrap, mulberry32, type EvaluationSummary, type MetricMeans } from "./summary";
export type * from "./types";
