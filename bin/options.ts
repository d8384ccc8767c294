import { z } from "zod";
import { CliError } from "./cli-error";

/** Parses a command's options with its schema; a failure names the option as typed ("--max-iterations must be ..."). */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const option = `--${String(issue.path[0]).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  throw new CliError(`${option} ${issue.message}`);
}

/** A whole-number option given as text ("--limit 5"), with its bounds in the message. */
export const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
