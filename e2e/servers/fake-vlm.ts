/**
 * A stand-in vision-language model server for the browser tests, speaking OpenAI's chat
 * completions (the lib/pipeline fixture, on a fixed port). It plays a perfect VLM for two-object
 * prompts: as Checker it reports each object name it is offered once and the one predicate
 * between them in the order given (what a faithful image of "a cup left of a laptop" shows); as
 * Judge it gives 9/10; as Actor one instruction. Which role asks is read from the JSON schema of
 * `response_format`, the only thing a server learns about the answer it must give.
 *
 *   E2E_VLM_PORT=8001 E2E_VLM_KEY=... npx tsx e2e/servers/fake-vlm.ts
 */
import { answer, checkerAnswerFor, requestedAnswer, startFakeOpenAi, type Reply } from "../../lib/pipeline/backends/openai-compatible/__fixtures__/fake-openai-server";

const port = Number(process.env.E2E_VLM_PORT);
const apiKey = process.env.E2E_VLM_KEY;
if (!Number.isInteger(port) || port <= 0 || !apiKey) throw new Error("fake-vlm: set E2E_VLM_PORT and E2E_VLM_KEY");

const reply: Reply = (request, response) => {
  const asked = requestedAnswer(request.body);
  if (asked.role === "checker") return answer(checkerAnswerFor(asked.labels, asked.predicates, true))(request, response);
  if (asked.role === "judge") return answer({ score: 9, rationale: "both objects, in the asked arrangement" })(request, response);
  return answer({ instruction: "move the first object to the left of the second" })(request, response);
};

const server = await startFakeOpenAi({ apiKey, models: ["e2e-vlm"], port });
server.queue(reply);
console.log(`fake-vlm on ${server.baseURL}`);
