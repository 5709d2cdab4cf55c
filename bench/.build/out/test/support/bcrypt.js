"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_BCRYPT_COST = void 0;
exports.htpasswdLine = htpasswdLine;
exports.bcryptHash = bcryptHash;
exports.bcryptVerify = bcryptVerify;
const node_crypto_1 = require("node:crypto");
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const P_WORDS = 18;
const S_WORDS = 4 * 256;
exports.DEFAULT_BCRYPT_COST = 4;
function htpasswdLine(username, password, cost = exports.DEFAULT_BCRYPT_COST) {
    if (username.includes(':'))
        throw new Error(`htpasswd user names cannot contain ':' (${username})`);
    return `${username}:${bcryptHash(password, cost)}`;
}
function bcryptHash(password, cost = exports.DEFAULT_BCRYPT_COST, salt, version = '2y') {
    if (!Number.isInteger(cost) || cost < 4 || cost > 31)
        throw new Error(`bcrypt cost must be 4..31, got ${cost}`);
    const saltBytes = salt ?? (0, node_crypto_1.randomBytes)(16);
    if (saltBytes.length !== 16)
        throw new Error('bcrypt salt must be 16 bytes');
    const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.alloc(1)]).subarray(0, 72);
    const digest = eksBlowfish(key, saltBytes, cost);
    return `$${version}$${String(cost).padStart(2, '0')}$${encodeBase64(saltBytes)}${encodeBase64(digest.subarray(0, 23))}`;
}
function bcryptVerify(password, hash) {
    const match = /^\$(2[aby])\$(\d\d)\$([./A-Za-z0-9]{22})[./A-Za-z0-9]{31}$/.exec(hash);
    if (!match)
        return false;
    return bcryptHash(password, Number(match[2]), decodeBase64(match[3], 16), match[1]) === hash;
}
function eksBlowfish(key, salt, cost) {
    const { p: initialP, s: initialS } = piDigits();
    const p = Uint32Array.from(initialP);
    const s = Uint32Array.from(initialS);
    const block = new Uint32Array(2);
    expandKey(p, s, block, key, salt);
    const rounds = 2 ** cost;
    for (let i = 0; i < rounds; i++) {
        expandKey(p, s, block, key, null);
        expandKey(p, s, block, salt, null);
    }
    const text = Buffer.from('OrpheanBeholderScryDoubt', 'latin1');
    const words = new Uint32Array(6);
    for (let i = 0; i < 6; i++)
        words[i] = text.readUInt32BE(i * 4);
    for (let i = 0; i < 64; i++) {
        for (let j = 0; j < 6; j += 2) {
            block[0] = words[j];
            block[1] = words[j + 1];
            encipher(p, s, block);
            words[j] = block[0];
            words[j + 1] = block[1];
        }
    }
    const out = Buffer.alloc(24);
    for (let i = 0; i < 6; i++)
        out.writeUInt32BE(words[i], i * 4);
    return out;
}
function expandKey(p, s, block, key, salt) {
    const keyStream = { data: key, offset: 0 };
    for (let i = 0; i < P_WORDS; i++)
        p[i] = (p[i] ^ nextWord(keyStream)) >>> 0;
    const saltStream = salt ? { data: salt, offset: 0 } : null;
    block[0] = 0;
    block[1] = 0;
    const mixAndEncipher = () => {
        if (saltStream) {
            block[0] ^= nextWord(saltStream);
            block[1] ^= nextWord(saltStream);
        }
        encipher(p, s, block);
    };
    for (let i = 0; i < P_WORDS; i += 2) {
        mixAndEncipher();
        p[i] = block[0];
        p[i + 1] = block[1];
    }
    for (let i = 0; i < S_WORDS; i += 2) {
        mixAndEncipher();
        s[i] = block[0];
        s[i + 1] = block[1];
    }
}
function nextWord(stream) {
    let word = 0;
    for (let i = 0; i < 4; i++) {
        if (stream.offset >= stream.data.length)
            stream.offset = 0;
        word = ((word << 8) | stream.data[stream.offset++]) >>> 0;
    }
    return word;
}
function encipher(p, s, block) {
    let left = block[0];
    let right = block[1];
    left ^= p[0];
    for (let i = 1; i <= 16; i += 2) {
        right ^= feistel(s, left) ^ p[i];
        left ^= feistel(s, right) ^ p[i + 1];
    }
    block[0] = (right ^ p[17]) >>> 0;
    block[1] = left >>> 0;
}
function feistel(s, x) {
    const a = s[(x >>> 24) & 0xff];
    const b = s[256 + ((x >>> 16) & 0xff)];
    const c = s[512 + ((x >>> 8) & 0xff)];
    const d = s[768 + (x & 0xff)];
    return ((((a + b) >>> 0) ^ c) + d) >>> 0;
}
let piCache;
function piDigits() {
    if (piCache)
        return piCache;
    const words = P_WORDS + S_WORDS;
    const guardBits = 64n;
    const bits = BigInt(words * 32) + guardBits;
    const one = 1n << bits;
    const arctanInverse = (x) => {
        const xSquared = x * x;
        let term = one / x;
        let sum = term;
        let divisor = 1n;
        let negative = true;
        while (term !== 0n) {
            term /= xSquared;
            divisor += 2n;
            sum = negative ? sum - term / divisor : sum + term / divisor;
            negative = !negative;
        }
        return sum;
    };
    const pi = 4n * (4n * arctanInverse(5n) - arctanInverse(239n));
    const fraction = (pi - 3n * one) >> guardBits;
    const hex = fraction.toString(16).padStart(words * 8, '0');
    const all = new Uint32Array(words);
    for (let i = 0; i < words; i++)
        all[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
    if (all[0] !== 0x243f6a88 || all[words - 1] !== 0x3ac372e6) {
        throw new Error('bcrypt: computing the Blowfish constants from pi went wrong');
    }
    piCache = { p: all.slice(0, P_WORDS), s: all.slice(P_WORDS) };
    return piCache;
}
function encodeBase64(data) {
    let out = '';
    let i = 0;
    while (i < data.length) {
        let c1 = data[i++];
        out += BCRYPT_ALPHABET[c1 >> 2];
        c1 = (c1 & 0x03) << 4;
        if (i >= data.length) {
            out += BCRYPT_ALPHABET[c1];
            break;
        }
        let c2 = data[i++];
        c1 |= c2 >> 4;
        out += BCRYPT_ALPHABET[c1];
        c1 = (c2 & 0x0f) << 2;
        if (i >= data.length) {
            out += BCRYPT_ALPHABET[c1];
            break;
        }
        c2 = data[i++];
        c1 |= c2 >> 6;
        out += BCRYPT_ALPHABET[c1];
        out += BCRYPT_ALPHABET[c2 & 0x3f];
    }
    return out;
}
function decodeBase64(text, length) {
    const values = [...text].map((char) => BCRYPT_ALPHABET.indexOf(char));
    const out = [];
    for (let i = 0; i < values.length && out.length < length; i += 4) {
        const [c1, c2, c3, c4] = values.slice(i, i + 4);
        out.push(((c1 << 2) | ((c2 & 0x30) >> 4)) & 0xff);
        if (out.length >= length || c3 === undefined)
            break;
        out.push((((c2 & 0x0f) << 4) | ((c3 & 0x3c) >> 2)) & 0xff);
        if (out.length >= length || c4 === undefined)
            break;
        out.push((((c3 & 0x03) << 6) | c4) & 0xff);
    }
    return Buffer.from(out);
}
