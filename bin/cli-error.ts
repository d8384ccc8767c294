/** A user-facing failure: bad input or options. The message is the whole story; no stack is shown. */
export class CliError extends Error {
  override name = "CliError";
}
