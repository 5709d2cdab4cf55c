/**
 * Plain-text helpers shared by every library. This module imports nothing, so Nest-free
 * libraries (libs/oci) import it directly as `@app/common/text`, not through the index.
 */

/** The first `keep` characters of `text`, and an ellipsis when anything was cut. */
export function shorten(text: string, keep: number): string {
  return text.length > keep ? `${text.slice(0, keep)}…` : text;
}
