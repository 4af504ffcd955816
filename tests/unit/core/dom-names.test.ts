// The fast path's DOM-clobbering check must drop exactly what DOMPurify drops on jsdom, without
// loading jsdom; and jsdom is loaded only when markup needs the DOMPurify path.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { clobbers, clobberingNames } from '../../../src-main/core/dom-names';
import { jsdomLoaded } from '../../../src-main/core/jsdom-lazy';
import { sanitizeHtml, sanitizeWithText } from '../../../src-main/core/sanitizer';
import { htmlToText } from '../../../src-main/core/text';

describe('clobbers', () => {
  it('lists exactly the properties of a jsdom document and form', () => {
    expect(jsdomLoaded()).toBe(false);
    const { JSDOM } = createRequire(import.meta.url)('jsdom') as typeof import('jsdom');
    const { window } = new JSDOM('<!doctype html><html><body></body></html>');
    const form = window.document.createElement('form');
    const names = new Set<string>();
    for (const o of [window.document, form]) for (let p: object | null = o; p; p = Object.getPrototypeOf(p)) for (const n of Object.getOwnPropertyNames(p)) names.add(n);
    // If jsdom is upgraded and this fails, regenerate the list in dom-names.ts from these names.
    expect([...clobberingNames()].sort()).toEqual([...names].sort());
    for (const id of ['cookie', 'forms', 'submit', 'action', 'toString', '__proto__', 'body', 'location', 'elements', 'intro', 'fn1', 'section-2', 'Cookie']) {
      expect(clobbers(id), id).toBe(id in window.document || id in form);
    }
  });
});

describe('jsdom on demand', () => {
  it('sanitizes plain markup, ids included, without loading jsdom, and loads it for what the fast path declines', () => {
    const input = '<p id="intro">Hello <a href="/x" name="forms">there</a> <b id="cookie">friend</b>.</p>';
    const plain = sanitizeWithText(input, 'https://site.example/post');
    expect(plain.html).toBe('<p id="user-content-intro">Hello <a href="https://site.example/x" rel="noopener noreferrer" target="_blank">there</a> <b id="user-content-cookie">friend</b>.</p>');
    expect(plain.text).toBe(htmlToText(input));
    expect(jsdomLoaded()).toBe(false);
    expect(sanitizeHtml('<p>a<script>alert(1)</script><table><tr><td>b</p>', 'https://site.example/')).not.toContain('script');
    expect(jsdomLoaded()).toBe(true);
  });
});
