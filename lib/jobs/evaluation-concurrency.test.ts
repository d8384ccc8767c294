import { describe, expect, it } from "vitest";
import { evaluationConcurrency, evaluationConcurrencyVariable, serverEnv } from "../env";

describe("evaluation item concurrency per back-end kind", () => {
  it("reads RIG_EVAL_CONCURRENCY_<KIND> for every kind, defaulting to RIG_WORKER_CONCURRENCY", () => {
    expect(evaluationConcurrencyVariable("openai-compatible")).toBe("RIG_EVAL_CONCURRENCY_OPENAI_COMPATIBLE");
    const limits = evaluationConcurrency(serverEnv({ RIG_WORKER_CONCURRENCY: "3", RIG_EVAL_CONCURRENCY_SIM: "1", RIG_EVAL_CONCURRENCY_COMFYUI: "2" } as unknown as NodeJS.ProcessEnv));
    expect(limits).toEqual({ sim: 1, "openai-compatible": 3, "openai-images": 3, comfyui: 2, a1111: 3, "local-detector": 3 });
    expect(() => serverEnv({ RIG_EVAL_CONCURRENCY_A1111: "0" } as unknown as NodeJS.ProcessEnv)).toThrow(/RIG_EVAL_CONCURRENCY_A1111/);
  });
});
