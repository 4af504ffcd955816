// Small per-device preferences kept in localStorage (pane widths, selected view, theme).

const PREFIX = 'tidings.';

/** loadPref: a stored JSON preference, or the fallback when absent or unreadable. */
export function loadPref<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

/** savePref: store a JSON preference; a full or disabled storage is ignored. */
export function savePref(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Private mode or quota: the preference simply does not persist.
  }
}
