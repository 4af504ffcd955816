// plainURL resolves the usual article URLs without `new URL`; wherever it answers, it must give
// exactly what `new URL` gives (href and every part the policy reads), over references built to
// hit each normalisation of the WHATWG parser: scheme and host case, IDN and punycode, IPv4 and
// numeric hosts, default and odd ports, dot segments (also percent-encoded), characters the parser
// percent-encodes, backslashes, user parts, protocol-relative and path-relative references.
import { describe, expect, it } from 'vitest';
import { plainURL } from '../../../src-main/core/sanitizer-policy';
import { sanitizeHtml } from '../../../src-main/core/sanitizer';
import { rng } from '../../helpers/random';

const BASES = [
  'https://site.example/dir/page.html',
  'http://127.0.0.2:8080/f1/posts/1',
  'https://u:p@site.example/a/b',
  'https://site.example/',
  'http://site.example/a/b/?q=1#f',
  'https://xn--bcher-kva.example/d/',
].map((b) => new URL(b));

const SCHEMES = ['https://', 'http://', 'HTTP://', 'hTtps://', '//', 'https:', 'https:/', 'http:\\\\', 'ftp://', 'javascript://', 'https:///'];
const HOSTS = [
  'example.com', 'www.ex-ample.co.uk', 'EXAMPLE.com', 'Example.COM', 'xn--nxasmq6b.com', 'xn--a.com', 'bücher.de', 'ﬁle.example',
  '1.2.3.4', '127.0.0.1', '0x7f.1', '010.0.0.1', 'example.123', 'example.0x1f', 'example.09', 'a..b', '.a.com', 'a.com.', '-a.com',
  'a-.com', 'a--b.com', 'localhost', '[::1]', 'u:p@h.com', '@h.com', 'ex_ample.com', 'exa%41mple.com', 'a b.com', 'a\tb.com',
  `${'a'.repeat(63)}.com`, `${'a'.repeat(64)}.com`, `${'abc.'.repeat(70)}com`, 'x', 'x1', '1x', '', 'a.b-c.d', 'é.com', 'EXAMPLE.com'.toLowerCase(),
];
const PORTS = ['', ':80', ':443', ':8080', ':0', ':08080', ':65535', ':65536', ':', ':99999', ':8o', ':1'];
const PATHS = [
  '', '/', '/a/b', '/a/b/', '/a/./b', '/a/../b', '/./', '/../', '/.', '/..', '/a/.', '/a/..', '/%2e/', '/%2E%2e/x', '/a/%2e', '/.%2e/',
  '/..a', '/a..', '/.a/', '/a%20b', '/a%zz', '/a%', '/a b', '/ä', '/a\\b', '/a|b', '/a^b', '/{x}', "/a'b", '/a`b', '/a"b', '/a<b>',
  '/~u/', '/@x:y', '/a;b=c,d', '/(x)*!$+', '/wp-content/uploads/2024/01/photo-1024x768.jpg', '//double', '/a//b', '/\u0000', '/\u007f',
];
const QUERIES = ['', '?', '?a=1&b=2', '?a b', "?a'b", '?x=ä', '?a?b', '?a=/b/./c', '?%2e', '?a`b', '?a{b}', '?a^b', '?a|b', '?a"b'];
const FRAGMENTS = ['', '#', '#x', '#a b', '#a#b', '#ä', '#?x', '#a`b', "#a'b", '#/./'];
const RELATIVE = [
  'a', 'a/b', './a', '../a', 'a/../b', 'a/./b', '.', '..', '?q', '#f', 'a:b', 'a/b:c', 'c:/x', 'C|/x', '/a', '/a/b?c#d', '//h.com/x',
  '\\\\h.com\\x', '\\a', 'a\\b', 'a b', '%2e%2e/x', '%2e/x', '.x', '..x', 'x.', '~x', 'img/a.png', 'a?b', 'a#b', 'mailto:x@y.z', 'tel:1',
  'data:image/png;base64,AAAA', 'javascript:alert(1)', 'JavaScript:x', ' java\tscript:x', 'java\nscript:x', 'a\tb', 'a\nb', 'ä', '%41',
  '/archive/123/4', 'img/12-3.jpg', 'x:', ':x', '/:x', 'a/:', 'http:x', 'https:x', 'http:/x', 'h', 'ht/tp://x', 'http', 'https://',
];

/** Compares plainURL with `new URL`; returns whether plainURL answered. */
function agrees(ref: string, base: URL): boolean {
  const plain = plainURL(ref, base);
  if (!plain) return false;
  let real: URL;
  try {
    real = new URL(ref, base);
  } catch {
    throw new Error(`plainURL answered ${plain.href} for ${JSON.stringify(ref)} against ${base.href}, which new URL rejects`);
  }
  const what = `${JSON.stringify(ref)} against ${base.href}`;
  expect({ href: plain.href, protocol: plain.protocol, hostname: plain.hostname, origin: plain.origin, username: plain.username, password: plain.password }, what).toEqual({
    href: real.href, protocol: real.protocol, hostname: real.hostname, origin: real.origin, username: real.username, password: real.password,
  });
  return true;
}

describe('plainURL: the same answer as new URL, or none', () => {
  it('on every variation of one part of a plain absolute URL', () => {
    const parts = [SCHEMES, HOSTS, PORTS, PATHS, QUERIES, FRAGMENTS];
    const plain = ['https://', 'example.com', '', '/a/b', '', ''];
    let taken = 0;
    let total = 0;
    for (let p = 0; p < parts.length; p++) {
      for (const variant of parts[p]!) {
        const ref = plain.map((x, k) => (k === p ? variant : x)).join('');
        for (const base of BASES) {
          total++;
          if (agrees(ref, base)) taken++;
        }
      }
    }
    // Both outcomes are exercised: many references are answered, many are left to new URL.
    expect(taken).toBeGreaterThan(total / 4);
    expect(taken).toBeLessThan(total);
  });

  it('on 40,000 random mixes of the parts above', () => {
    const r = rng(42);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    // Each part plain two times in three, so that both outcomes come up often.
    const part = (xs: readonly string[], plain: string) => (r() < 0.67 ? plain : pick(xs));
    let taken = 0;
    for (let k = 0; k < 40_000; k++) {
      const ref = part(SCHEMES, 'https://') + part(HOSTS, 'example.com') + part(PORTS, '') + part(PATHS, '/a/b') + part(QUERIES, '') + part(FRAGMENTS, '');
      if (agrees(ref, pick(BASES))) taken++;
    }
    expect(taken).toBeGreaterThan(1000);
  });

  it('on relative, protocol-relative and scheme-like references against every base', () => {
    let taken = 0;
    for (const rel of RELATIVE) {
      for (const tail of ['', '/x.html', '?q=1', '#f', '/./y', '/../y']) {
        for (const base of BASES) if (agrees(rel + tail, base)) taken++;
      }
    }
    expect(taken).toBeGreaterThan(100);
  });

  it('never answers without a base for a relative reference, nor for a base with a user part', () => {
    expect(plainURL('/a', undefined)).toBeUndefined();
    expect(plainURL('a/b', undefined)).toBeUndefined();
    expect(plainURL('/a', new URL('https://u:p@site.example/'))).toBeUndefined();
    expect(plainURL('https://example.com/a', undefined)?.href).toBe('https://example.com/a');
  });

  it('takes the URLs articles are made of', () => {
    const base = new URL('https://blog.example.com/posts/2024/hello.html');
    for (const ref of ['https://www.example.com/2024/01/some-post/', 'http://example.org', '/archive/1/2', 'img/a.png', '//cdn.example.net/x.jpg?w=640&h=480#top', 'https://example.com:8443/a']) {
      expect(agrees(ref, base), ref).toBe(true);
    }
  });
});

describe('URL policy through the sanitizer', () => {
  it('applies the same link and image policy to URLs plainURL takes and to those it leaves to new URL', () => {
    const base = 'https://blog.example.com/posts/2024/hello.html';
    const cases: [string, string][] = [
      ['https://example.com/a', 'https://example.com/a'],
      ['HTTPS://EXAMPLE.com:443/./a/../b', 'https://example.com/b'],
      ['//cdn.example.net/x', 'https://cdn.example.net/x'],
      ['/a b', 'https://blog.example.com/a%20b'],
      ['https://bücher.example/', 'https://xn--bcher-kva.example/'],
      ['https://u:p@example.com/', 'https://example.com/'],
      ['http://127.0.0.1/admin', 'http://127.0.0.1/admin'],
    ];
    for (const [href, expected] of cases) {
      expect(sanitizeHtml(`<p><a href="${href}">x</a></p>`, base)).toBe(`<p><a href="${expected}" rel="noopener noreferrer" target="_blank">x</a></p>`);
    }
    expect(sanitizeHtml('<p><a href=" java\tscript:alert(1)">x</a><a href="jav&#x09;ascript:alert(1)">y</a></p>', base)).toBe('<p><a>x</a><a>y</a></p>');
    // Private hosts are fetched only from a feed that lives there.
    expect(sanitizeHtml('<p><img src="http://127.0.0.1/a.png" alt="a"></p>', base)).toBe('<p></p>');
    expect(sanitizeHtml('<p><img src="/a.png" alt="a"></p>', 'http://127.0.0.2:8080/f/1')).toBe(
      '<p><img src="http://127.0.0.2:8080/a.png" alt="a" loading="lazy" decoding="async" referrerpolicy="no-referrer"></p>',
    );
    expect(sanitizeHtml('<p><img srcset="/a.png 1x, HTTPS://X.example/./b.png 2x, data:x 3x" alt="a"></p>', base)).toContain(
      'srcset="https://blog.example.com/a.png 1x, https://x.example/b.png 2x"',
    );
  });
});
