// PLACEHOLDER until the sanitizer lands (issue 7): escapes everything, which is safe but ugly.
/** sanitizeHtml: untrusted feed HTML → HTML safe to store and show; relative URLs resolved against baseUrl. */
export function sanitizeHtml(html: string, baseUrl?: string): string {
  void baseUrl;
  return html.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
