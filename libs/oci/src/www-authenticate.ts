/**
 * Parser for the `WWW-Authenticate` response header (RFC 7235 section 4.1):
 *
 *   WWW-Authenticate = 1#challenge
 *   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param       = token BWS "=" BWS ( token / quoted-string )
 *
 * Commas separate both challenges and the parameters inside one challenge, so a
 * parameter list ends where a bare token (the next scheme) appears. Quoted
 * strings may contain commas and backslash-escaped characters.
 *
 * The parser is lenient: it never throws; text it cannot make sense of is
 * skipped up to the next comma.
 */

export interface AuthChallenge {
  /** Lowercased auth scheme, e.g. `bearer` or `basic`. */
  readonly scheme: string;
  /** Parameters with lowercased names, e.g. `realm`, `service`, `scope`. */
  readonly params: Readonly<Record<string, string>>;
  /** The token68 form (`Negotiate abc==`), when the challenge uses it instead of parameters. */
  readonly token68?: string;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

export function parseWwwAuthenticate(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  return values.flatMap((value) => new ChallengeParser(value).parse());
}

class ChallengeParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): AuthChallenge[] {
    const challenges: AuthChallenge[] = [];
    while (true) {
      this.skipSeparators();
      if (this.atEnd()) return challenges;
      const scheme = this.readToken();
      if (scheme === '') {
        this.skipToNextComma();
        continue;
      }
      challenges.push(this.readChallengeBody(scheme.toLowerCase()));
    }
  }

  private readChallengeBody(scheme: string): AuthChallenge {
    const params: Record<string, string> = Object.create(null);
    if (!this.skipSpaces()) {
      // The scheme is followed directly by a comma or the end: no parameters.
      return { scheme, params };
    }
    const token68 = this.tryReadToken68();
    if (token68 !== undefined) return { scheme, params, token68 };

    while (true) {
      const start = this.pos;
      const param = this.tryReadParam();
      if (param === undefined) {
        // Not `name=value`: either the next challenge's scheme or junk; let the caller decide.
        this.pos = start;
        return { scheme, params };
      }
      const [name, value] = param;
      if (!(name in params)) params[name] = value;
      this.skipSpaces();
      if (this.peek() !== ',') {
        this.skipToNextComma();
      }
      // Skip the comma(s) and look ahead: another `name=` continues this challenge.
      const afterParam = this.pos;
      this.skipSeparators();
      if (this.atEnd() || !this.looksLikeParam()) {
        this.pos = afterParam;
        return { scheme, params };
      }
    }
  }

  /** `name BWS = BWS (token / quoted-string)`; undefined (position unspecified) when it is not one. */
  private tryReadParam(): [string, string] | undefined {
    const name = this.readToken();
    if (name === '') return undefined;
    this.skipSpaces();
    if (this.peek() !== '=') return undefined;
    this.pos++;
    this.skipSpaces();
    const value = this.peek() === '"' ? this.readQuotedString() : this.readToken();
    return [name.toLowerCase(), value];
  }

  /** True when the text at the current position starts with `token BWS = ` followed by a value. */
  private looksLikeParam(): boolean {
    const start = this.pos;
    const isParam = this.readToken() !== '' && (this.skipSpaces(), this.peek() === '=');
    this.pos = start;
    return isParam;
  }

  /** A token68 is a run of token68 characters, then `=` padding, then a comma or the end. */
  private tryReadToken68(): string | undefined {
    const start = this.pos;
    while (!this.atEnd() && TOKEN68_CHAR.test(this.peek())) this.pos++;
    if (this.pos === start) return undefined;
    while (this.peek() === '=') this.pos++;
    const end = this.pos;
    this.skipSpaces();
    if (this.atEnd() || this.peek() === ',') return this.text.slice(start, end);
    this.pos = start;
    return undefined;
  }

  private readToken(): string {
    const start = this.pos;
    while (!this.atEnd() && TOKEN_CHAR.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Reads `"…"` with backslash escapes; an unterminated string runs to the end of the header. */
  private readQuotedString(): string {
    this.pos++; // opening quote
    let value = '';
    while (!this.atEnd()) {
      const ch = this.text[this.pos++];
      if (ch === '"') return value;
      if (ch === '\\' && !this.atEnd()) {
        value += this.text[this.pos++];
      } else {
        value += ch;
      }
    }
    return value;
  }

  /** Skips spaces and tabs; returns whether any were skipped. */
  private skipSpaces(): boolean {
    const start = this.pos;
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
    return this.pos > start;
  }

  private skipSeparators(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.pos++;
  }

  private skipToNextComma(): void {
    while (!this.atEnd() && this.peek() !== ',') {
      if (this.peek() === '"') this.readQuotedString();
      else this.pos++;
    }
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }
}
