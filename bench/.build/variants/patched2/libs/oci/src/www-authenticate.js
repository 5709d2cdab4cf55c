"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseWwwAuthenticate = parseWwwAuthenticate;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;
function parseWwwAuthenticate(header) {
    if (header === undefined)
        return [];
    const values = typeof header === 'string' ? [header] : header;
    return values.flatMap((value) => new ChallengeParser(value).parse());
}
class ChallengeParser {
    text;
    pos = 0;
    constructor(text) {
        this.text = text;
    }
    parse() {
        const challenges = [];
        while (true) {
            this.skipSeparators();
            if (this.atEnd())
                return challenges;
            const scheme = this.readToken();
            if (scheme === '') {
                this.skipToNextComma();
                continue;
            }
            challenges.push(this.readChallengeBody(scheme.toLowerCase()));
        }
    }
    readChallengeBody(scheme) {
        const params = Object.create(null);
        if (!this.skipSpaces()) {
            return { scheme, params };
        }
        const token68 = this.tryReadToken68();
        if (token68 !== undefined)
            return { scheme, params, token68 };
        while (true) {
            const start = this.pos;
            const param = this.tryReadParam();
            if (param === undefined) {
                this.pos = start;
                return { scheme, params };
            }
            const [name, value] = param;
            if (!(name in params))
                params[name] = value;
            this.skipSpaces();
            if (this.peek() !== ',') {
                this.skipToNextComma();
            }
            const afterParam = this.pos;
            this.skipSeparators();
            if (this.atEnd() || !this.looksLikeParam()) {
                this.pos = afterParam;
                return { scheme, params };
            }
        }
    }
    tryReadParam() {
        const name = this.readToken();
        if (name === '')
            return undefined;
        this.skipSpaces();
        if (this.peek() !== '=')
            return undefined;
        this.pos++;
        this.skipSpaces();
        const value = this.peek() === '"' ? this.readQuotedString() : this.readToken();
        return [name.toLowerCase(), value];
    }
    looksLikeParam() {
        const start = this.pos;
        const isParam = this.readToken() !== '' && (this.skipSpaces(), this.peek() === '=');
        this.pos = start;
        return isParam;
    }
    tryReadToken68() {
        const start = this.pos;
        while (!this.atEnd() && TOKEN68_CHAR.test(this.peek()))
            this.pos++;
        if (this.pos === start)
            return undefined;
        while (this.peek() === '=')
            this.pos++;
        const end = this.pos;
        this.skipSpaces();
        if (this.atEnd() || this.peek() === ',')
            return this.text.slice(start, end);
        this.pos = start;
        return undefined;
    }
    readToken() {
        const start = this.pos;
        while (!this.atEnd() && TOKEN_CHAR.test(this.peek()))
            this.pos++;
        return this.text.slice(start, this.pos);
    }
    readQuotedString() {
        this.pos++;
        let value = '';
        while (!this.atEnd()) {
            const ch = this.text[this.pos++];
            if (ch === '"')
                return value;
            if (ch === '\\' && !this.atEnd()) {
                value += this.text[this.pos++];
            }
            else {
                value += ch;
            }
        }
        return value;
    }
    skipSpaces() {
        const start = this.pos;
        while (this.peek() === ' ' || this.peek() === '\t')
            this.pos++;
        return this.pos > start;
    }
    skipSeparators() {
        while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',')
            this.pos++;
    }
    skipToNextComma() {
        while (!this.atEnd() && this.peek() !== ',') {
            if (this.peek() === '"')
                this.readQuotedString();
            else
                this.pos++;
        }
    }
    peek() {
        return this.text[this.pos] ?? '';
    }
    atEnd() {
        return this.pos >= this.text.length;
    }
}
//# sourceMappingURL=www-authenticate.js.map