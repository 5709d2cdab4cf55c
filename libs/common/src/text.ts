/**
 * Plain-text helpers shared by every library. This module imports nothing, so Nest-free
 * libraries (libs/oci) import it directly as `@app/common/text`, not through the index.
 */

/** `text` cut to at most `maxChars` characters, the last an ellipsis when anything was cut. */
export function shorten(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}
