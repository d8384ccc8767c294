/**
 * Label comparison shared by matching and critique: case, surrounding space and inner runs of
 * whitespace do not make two labels different.
 */
export function normaliseLabel(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ");
}
