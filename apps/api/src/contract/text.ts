/** Caller-supplied text quoted in a message is cut to this many characters. */
const MAX_QUOTED_LENGTH = 64;

export function shorten(text: string, max = MAX_QUOTED_LENGTH): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
