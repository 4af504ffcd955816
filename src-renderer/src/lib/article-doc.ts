// The article iframe's srcdoc: a whole document with its own strict CSP and reading styles.
// The iframe is sandboxed without scripts or same-origin; this CSP is the second wall.

export interface ReadingStyle {
  font: 'serif' | 'sans';
  size: number;
  width: number;
  dark: boolean;
  remoteImages: boolean;
}

const FONTS = {
  serif: "Charter, 'Bitstream Charter', 'Iowan Old Style', Georgia, 'Noto Serif', serif",
  sans: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
};

/** articleCsp: the policy the article document carries (no scripts, no frames, no forms). */
export function articleCsp(origin: string, remoteImages: boolean): string {
  // The page's own origin serves cached media (http://127.0.0.1:… in a browser, app://tidings in the app).
  const own = origin && origin !== 'null' && !origin.startsWith('file:') ? ` ${origin}` : '';
  const remote = remoteImages ? ' https: http:' : '';
  const media = `${own}${remote}`.trim() || "'none'";
  return `default-src 'none'; img-src data:${own}${remote}; media-src ${media}; style-src 'unsafe-inline'; font-src data:; form-action 'none'`;
}

/** prepareBody: lazy images and links that open outside, on already-sanitized HTML (inert parse). */
export function prepareBody(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  for (const img of doc.querySelectorAll('img')) {
    img.setAttribute('loading', 'lazy');
    img.setAttribute('decoding', 'async');
  }
  for (const a of doc.querySelectorAll('a[href]')) {
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
  }
  return doc.body.innerHTML;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** articleDocument: the full srcdoc for an article body. */
export function articleDocument(html: string, style: ReadingStyle, origin: string): string {
  const fg = style.dark ? '#e6e6e6' : '#1d1d1f';
  const bg = style.dark ? '#1b1c1f' : '#ffffff';
  const link = style.dark ? '#8ab4ff' : '#0b57d0';
  const muted = style.dark ? '#2a2c31' : '#f3f4f6';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(articleCsp(origin, style.remoteImages))}">
<base target="_blank"><meta name="color-scheme" content="${style.dark ? 'dark' : 'light'}">
<style>
html{background:${bg};color:${fg};}
body{margin:0 auto;padding:8px 20px 48px;max-width:${style.width}em;font-family:${FONTS[style.font]};font-size:${style.size}px;line-height:1.6;overflow-wrap:break-word;}
a{color:${link};}
img,video,audio,iframe{max-width:100%;height:auto;}
pre,code{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:0.9em;background:${muted};}
pre{padding:12px;overflow-x:auto;border-radius:6px;}
blockquote{margin:1em 0;padding-left:1em;border-left:3px solid ${link};}
table{border-collapse:collapse;max-width:100%;display:block;overflow-x:auto;}
td,th{border:1px solid ${muted};padding:4px 8px;}
h1,h2,h3{line-height:1.25;}
</style></head><body>${prepareBody(html)}</body></html>`;
}
