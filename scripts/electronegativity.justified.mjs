// Electronegativity findings we accept, each with the reason. scripts/electronegativity.mjs fails
// on any finding not matched here, and warns about entries that no longer match anything.
// `check` is the check id; `file` and `sample` are regular expressions over the finding.
export const JUSTIFIED = [
  {
    check: 'OPEN_EXTERNAL_JS_CHECK',
    file: /(^|\/)(main\/index\.js|app\/security\.ts)$/,
    sample: /shell\.openExternal\(url\)/,
    // The only openExternal call: `url` comes from policy.externalUrl(), which parses with new URL()
    // and returns only http:, https: or mailto: URLs (tests/unit/security/policy.test.ts).
    reason: 'openExternally() passes only URLs that policy.externalUrl() parsed and found to be http(s)/mailto',
  },
  {
    check: 'PRELOAD_JS_CHECK',
    file: /(^|\/)(main\/index\.js|app\/window\.ts)$/,
    // The preload is sandboxed, requires only electron and exposes two functions (invoke, onEvent),
    // never ipcRenderer; tests/unit/static/electron-build.test.ts runs the built preload to prove it.
    reason: 'the sandboxed preload exposes only invoke/onEvent over a fixed method list',
  },
  {
    check: 'CSP_GLOBAL_CHECK',
    file: /(^|\/)renderer\/index\.html$/,
    sample: /script-src 'self'/,
    // Flagged for style-src 'unsafe-inline' (Svelte writes style attributes for transitions and the
    // article frame's settings). Scripts stay 'self' only, object-src and base-uri 'none'; the static
    // test fails if script-src ever gains 'unsafe-inline', 'unsafe-eval' or a host.
    reason: "style-src 'unsafe-inline' only; script-src is 'self' (checked by tests/unit/static)",
  },
];
