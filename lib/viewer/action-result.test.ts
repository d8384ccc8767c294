import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client";
import { runAction } from "./action-result";

describe("runAction", () => {
  it("gives the action's value", async () => {
    expect(await runAction(async () => ({ ok: true as const, value: { id: "r1" } }))).toEqual({ id: "r1" });
  });

  it("throws the server's message and code when the action refused its input", async () => {
    const error = await runAction(async () => ({ ok: false as const, error: { code: "bad_request:steer", message: "steer.instruction: the instruction is empty" } })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "bad_request:steer", message: "steer.instruction: the instruction is empty" });
  });

  it("says the server refused the call when no action answered (outside a browser nothing navigates)", async () => {
    await expect(runAction(async () => Promise.reject(new Error("An unexpected response was received from the server.")))).rejects.toMatchObject({ code: "action:refused" });
  });
});
