// Light and dark: the chosen mode (system/light/dark) and the system's preference, applied to <html>.
import { loadPref, savePref } from './prefs';

export type ThemeMode = 'system' | 'light' | 'dark';

/** Theme: the effective colour scheme, following the system unless switched by hand. */
export class Theme {
  mode = $state<ThemeMode>(loadPref<ThemeMode>('theme', 'system'));
  systemDark = $state(false);
  dark = $derived(this.mode === 'dark' || (this.mode === 'system' && this.systemDark));

  /** watch: follow prefers-color-scheme and apply the theme; returns the stop function. */
  watch(): () => void {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    this.systemDark = mq.matches;
    const onChange = (e: MediaQueryListEvent) => (this.systemDark = e.matches);
    mq.addEventListener('change', onChange);
    const stop = $effect.root(() => {
      $effect(() => {
        document.documentElement.dataset.theme = this.dark ? 'dark' : 'light';
      });
    });
    return () => {
      mq.removeEventListener('change', onChange);
      stop();
    };
  }

  /** set: switch the mode and remember it on this device. */
  set(mode: ThemeMode): void {
    this.mode = mode;
    savePref('theme', mode);
  }
}

export const theme = new Theme();
