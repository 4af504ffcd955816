// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { articleCsp, articleDocument, prepareBody } from '../../../src-renderer/src/lib/article-doc';

const style = { font: 'serif' as const, size: 20, width: 40, dark: false, remoteImages: false };

describe('articleDocument', () => {
  it('carries a CSP without scripts and the reading styles', () => {
    const doc = articleDocument('<p>Hi</p>', style, 'http://127.0.0.1:9');
    expect(doc).toContain('http-equiv="Content-Security-Policy"');
    expect(doc).toContain("default-src &#39;none&#39;");
    expect(doc).not.toMatch(/script-src|unsafe-eval/);
    expect(doc).toContain('font-size:20px');
    expect(doc).toContain('max-width:40em');
    expect(doc).toContain('<base target="_blank">');
    expect(doc).toContain('<p>Hi</p>');
  });

  it('switches colours for dark', () => {
    expect(articleDocument('', { ...style, dark: true }, '')).toContain('content="dark"');
  });
});

describe('articleCsp', () => {
  it('allows remote images only when asked, and the own origin for cached media', () => {
    expect(articleCsp('http://127.0.0.1:9', false)).toBe(
      "default-src 'none'; img-src data: http://127.0.0.1:9; media-src http://127.0.0.1:9; style-src 'unsafe-inline'; font-src data:; form-action 'none'",
    );
    expect(articleCsp('file://', true)).toContain('img-src data: https: http:;');
    expect(articleCsp('file://', false)).toContain("media-src 'none'");
  });
});

describe('prepareBody', () => {
  it('makes images lazy and links open outside', () => {
    const out = prepareBody('<p><img src="a.png"><a href="https://x.example/">x</a></p>');
    expect(out).toContain('loading="lazy"');
    expect(out).toContain('target="_blank"');
    expect(out).toContain('rel="noopener noreferrer"');
  });
});
