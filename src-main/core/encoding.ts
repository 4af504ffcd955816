// Bytes → text for feed documents (issue 3 §2): BOM, then the HTTP charset, then the XML prolog,
// then UTF-8 with a windows-1252 fallback. Legacy code pages go through iconv-lite because
// Node 20's TextDecoder('windows-1252') maps 0x80–0x9F to C1 controls instead of € ‚ ƒ ….
import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';

export interface Decoded {
  text: string;
  encoding: string;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const GZIP_LIMIT = 64 * 1024 * 1024;

/** decodeBody: feed bytes (and the HTTP Content-Type, if any) → text and the encoding used. */
export function decodeBody(bytes: Buffer, contentType?: string): Decoded {
  // Some servers (and one corpus file) send gzip bytes without Content-Encoding.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: GZIP_LIMIT });
    } catch {
      // Not really gzip: decode the bytes as they are.
    }
  }
  const bom = sniffBom(bytes);
  if (bom) return { text: stripBom(iconv.decode(bytes.subarray(bom.length), bom.encoding)), encoding: bom.encoding };
  const http = usableCharset(charsetOf(contentType));
  if (http && !isUtf16Label(http)) return decodeAs(bytes, http);
  const wide = sniffUtf16(bytes);
  if (wide) return { text: stripBom(iconv.decode(bytes, wide)), encoding: wide };
  if (http) return decodeAs(bytes, http);
  const declared = usableCharset(prologEncoding(bytes));
  // A prolog claiming UTF-16 on bytes that read as ASCII is a lie the bytes already disproved.
  if (declared && !isUtf16Label(declared)) return decodeAs(bytes, declared);
  return decodeAs(bytes, 'utf-8');
}

function decodeAs(bytes: Buffer, label: string): Decoded {
  const name = canonical(label);
  if (name === 'utf-8' || name === 'us-ascii') {
    try {
      return { text: stripBom(utf8Strict.decode(bytes)), encoding: 'utf-8' };
    } catch {
      return { text: iconv.decode(bytes, 'windows-1252'), encoding: 'windows-1252' };
    }
  }
  // ISO-8859-1 is what servers say; windows-1252 is what they mean (as in every browser).
  const effective = name === 'iso-8859-1' || name === 'latin1' ? 'windows-1252' : name;
  return { text: stripBom(iconv.decode(bytes, effective)), encoding: effective };
}

function sniffBom(b: Buffer): { encoding: string; length: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00) return { encoding: 'utf-32le', length: 4 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  return undefined;
}

function sniffUtf16(b: Buffer): string | undefined {
  if (b.length < 4) return undefined;
  // No BOM: the first character is '<' (or whitespace), so the zero bytes give the width away.
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0x00 && b[3] !== 0x00) return 'utf-32be';
  if (b[0] !== 0x00 && b[1] === 0x00 && b[2] === 0x00 && b[3] === 0x00) return 'utf-32le';
  if (b[0] === 0x00 && b[1] !== 0x00 && b[2] === 0x00 && b[3] !== 0x00) return 'utf-16be';
  if (b[0] !== 0x00 && b[1] === 0x00 && b[2] !== 0x00 && b[3] === 0x00) return 'utf-16le';
  return undefined;
}

/** charsetOf: the charset parameter of a Content-Type header, lower-cased, if any. */
export function charsetOf(contentType?: string): string | undefined {
  const m = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '');
  return m?.[2]?.toLowerCase();
}

function prologEncoding(b: Buffer): string | undefined {
  const head = b.subarray(0, 1024).toString('latin1');
  const m = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m?.[1]?.toLowerCase();
}

function usableCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const name = canonical(label);
  return iconv.encodingExists(name) ? name : undefined;
}

function canonical(label: string): string {
  const l = label.toLowerCase().trim();
  if (l === 'utf8' || l === 'unicode-1-1-utf-8') return 'utf-8';
  if (l === 'ascii' || l === 'us-ascii' || l === 'ansi_x3.4-1968') return 'us-ascii';
  if (l === 'utf-16' || l === 'unicode') return 'utf-16le';
  if (l === 'x-sjis' || l === 'sjis') return 'shift_jis';
  if (l === 'gb2312' || l === 'x-gbk') return 'gbk';
  if (l === 'maccentraleurope' || l === 'x-mac-centraleurope' || l === 'x-mac-ce') return 'maccenteuro';
  if (l.startsWith('x-mac-')) return `mac${l.slice(6)}`;
  return l;
}

function isUtf16Label(label: string): boolean {
  return /^(utf-?16|utf-?32|ucs-?2)/.test(label);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
