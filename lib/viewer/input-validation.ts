import { MAX_INPUT_CHARACTERS } from "../schemas/run";

/**
 * The checks the prompt box makes before sending: the same limits as the API's
 * createRunRequestSchema, plus JSON syntax for input that looks like JSON. Everything else
 * (unreadable prompts, invalid scene graphs) is the server's message, shown inline.
 */
export function validatePromptInput(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return "the prompt is empty";
  if (trimmed.length > MAX_INPUT_CHARACTERS) return `the prompt is longer than ${MAX_INPUT_CHARACTERS} characters (${trimmed.length})`;
  if (looksLikeJson(trimmed)) {
    try {
      JSON.parse(trimmed);
    } catch (error) {
      return `invalid JSON: ${(error as Error).message}`;
    }
  }
  return null;
}

export function looksLikeJson(text: string): boolean {
  const trimmed = text.trimStart();
  return trimmed.startsWith("{") || trimmed.startsWith("[");
}
