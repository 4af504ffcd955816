// The dock/taskbar badge follows the unread count, recomputed after items or feeds change.
import { app } from 'electron';
import type { Reader } from '../core/reader';

/** trackUnreadBadge: keep app.setBadgeCount equal to the unread count; returns the unsubscribe function. */
export function trackUnreadBadge(reader: Reader): () => void {
  let timer: NodeJS.Timeout | undefined;
  const update = () => {
    timer = undefined;
    reader.api
      .counts()
      .then((c) => app.setBadgeCount(c.unread))
      .catch((err: unknown) => console.error(`app: unread badge: ${String(err)}`));
  };
  update();
  const off = reader.onEvent((e) => {
    // A refresh emits many events; one count per quarter second is enough.
    if ((e.type === 'items-changed' || e.type === 'feeds-changed') && !timer) timer = setTimeout(update, 250);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
