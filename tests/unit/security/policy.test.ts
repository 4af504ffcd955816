import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_HEADERS, appFileFor, contentType, externalUrl, isAppNavigation, isTrustedSender, originOf, trustedOrigins } from '../../../src-main/app/policy';

describe('externalUrl', () => {
  it.each([
    ['https://example.org/a?b#c', 'https://example.org/a?b#c'],
    ['HTTP://EXAMPLE.org', 'http://example.org/'],
    ['mailto:someone@example.org', 'mailto:someone@example.org'],
  ])('hands %j to the browser', (raw, expected) => expect(externalUrl(raw)).toBe(expected));

  it.each([
    'javascript:alert(1)', ' javascript:alert(1)', 'jav\tascript:alert(1)', 'file:///etc/passwd', 'smb://host/share',
    'ms-msdt:/id PCWDiagnostic', 'search-ms:query=x', 'vbscript:x', 'data:text/html,x', 'app://tidings/index.html',
    'http://', '/relative', '', 'x'.repeat(9000), 42, null, undefined,
  ])('refuses %j', (raw) => expect(externalUrl(raw)).toBeUndefined());
});

describe('trusted senders and navigation', () => {
  const trusted = trustedOrigins(undefined);
  const dev = trustedOrigins('http://localhost:5173/');

  it('trusts only the app origin, plus a loopback dev server when one is set', () => {
    expect([...trusted]).toEqual(['app://tidings']);
    expect([...dev]).toEqual(['app://tidings', 'http://localhost:5173']);
    expect([...trustedOrigins('https://evil.test/')]).toEqual(['app://tidings']);
    expect([...trustedOrigins('not a url')]).toEqual(['app://tidings']);
  });

  it('computes the app origin that Node reports as opaque', () => {
    expect(originOf('app://TIDINGS/index.html')).toBe('app://tidings');
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173');
    expect(originOf('about:srcdoc')).toBeUndefined();
    expect(originOf('app:///x')).toBeUndefined();
  });

  it('accepts IPC only from the top frame of a trusted origin', () => {
    expect(isTrustedSender('app://tidings/index.html', true, trusted)).toBe(true);
    expect(isTrustedSender('app://tidings/index.html', false, trusted)).toBe(false);
    expect(isTrustedSender('http://localhost:5173/', true, trusted)).toBe(false);
    expect(isTrustedSender('http://localhost:5173/', true, dev)).toBe(true);
    for (const url of ['https://evil.test/', 'file:///index.html', 'about:srcdoc', 'app://evil/', 'null', '', undefined]) {
      expect(isTrustedSender(url, true, trusted), String(url)).toBe(false);
    }
  });

  it('allows main-frame navigation only within the app', () => {
    expect(isAppNavigation('app://tidings/index.html#x', trusted)).toBe(true);
    expect(isAppNavigation('https://evil.test/', trusted)).toBe(false);
    expect(isAppNavigation('file:///etc/passwd', trusted)).toBe(false);
    expect(isAppNavigation('garbage', trusted)).toBe(false);
  });
});

describe('appFileFor', () => {
  const root = mkdtempSync(join(tmpdir(), 'tidings-policy-'));
  const roots = { renderer: join(root, 'renderer'), media: join(root, 'data', 'media') };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('maps app paths into the renderer build and the media cache', () => {
    expect(appFileFor('app://tidings/', roots)).toBe(join(roots.renderer, 'index.html'));
    expect(appFileFor('app://tidings/assets/index-1.js?v=2', roots)).toBe(join(roots.renderer, 'assets/index-1.js'));
    expect(appFileFor('app://tidings/media/ab/cd.png', roots)).toBe(join(roots.media, 'ab/cd.png'));
  });

  it.each([
    'app://tidings/assets/%2e%2e%2f%2e%2e%2fsecret', 'app://tidings/media/..%2f..%2flibrary.json',
    'app://tidings/media/', 'app://tidings/a%00b', 'app://tidings/a%5c..%5cb', 'app://tidings/%E0%A4%A', 'app://other/index.html', 'file:///etc/passwd', 'nonsense',
  ])('refuses %j', (url) => expect(appFileFor(url, roots)).toBeUndefined());

  it('folds dot segments the way the URL parser does, staying inside the root', () => {
    expect(appFileFor('app://tidings/../secret', roots)).toBe(join(roots.renderer, 'secret'));
    expect(appFileFor('app://tidings/%2e%2e/secret', roots)).toBe(join(roots.renderer, 'secret'));
  });

  it('serves known types and never lets the browser sniff', () => {
    expect(contentType('a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentType('a.HTML')).toBe('text/html; charset=utf-8');
    expect(contentType('a.exe')).toBe('application/octet-stream');
    expect(APP_HEADERS['X-Content-Type-Options']).toBe('nosniff');
    expect(APP_HEADERS['Content-Security-Policy']).not.toMatch(/unsafe/);
  });
});
