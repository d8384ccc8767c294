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
import { answer, startFakeOpenAi, type Reply } from "../../lib/pipeline/backends/openai-compatible/__fixtures__/fake-openai-server";

const port = Number(process.env.E2E_VLM_PORT);
const apiKey = process.env.E2E_VLM_KEY;
if (!Number.isInteger(port) || port <= 0 || !apiKey) throw new Error("fake-vlm: set E2E_VLM_PORT and E2E_VLM_KEY");

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: string[];
}

const reply: Reply = (request, response) => {
  const body = request.body as { response_format?: { json_schema?: { schema?: JsonSchema } } };
  const properties = body.response_format?.json_schema?.schema?.properties ?? {};
  if (properties.objects) {
    const labels = properties.objects.items?.properties?.label?.enum ?? [];
    const predicates = properties.relations?.items?.properties?.predicate?.enum ?? [];
    const objects = labels.map((label, index) => ({ id: `o${index + 1}`, label, attributes: [], box: { x: 0.1 + 0.45 * index, y: 0.4, width: 0.35, height: 0.3 } }));
    const relations = objects.length === 2 && predicates.length === 1 ? [{ subject: "o1", predicate: predicates[0], object: "o2" }] : [];
    return answer({ objects, relations })(request, response);
  }
  if (properties.score) return answer({ score: 9, rationale: "both objects, in the asked arrangement" })(request, response);
  return answer({ instruction: "move the first object to the left of the second" })(request, response);
};

const server = await startFakeOpenAi({ apiKey, models: ["e2e-vlm"], port });
server.queue(reply);
console.log(`fake-vlm on ${server.baseURL}`);
