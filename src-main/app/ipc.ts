// The IPC side of the one API contract: one handler per METHODS entry, each checking who is asking
// before dispatch (ipc/dispatch.ts) validates the arguments.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { EVENT_CHANNEL, METHODS, channelOf, type ApiResult, type ReaderEvent } from '../ipc/contract';
import { dispatch } from '../ipc/dispatch';
import type { Reader } from '../core/reader';
import { isTrustedSender } from './policy';

/** senderIsTrusted: whether an invoke comes from the top frame of the app's own origin. */
export function senderIsTrusted(event: IpcMainInvokeEvent, trusted: ReadonlySet<string>): boolean {
  const frame = event.senderFrame;
  return isTrustedSender(frame?.url, !!frame && frame.parent === null, trusted);
}

/** registerIpc: handle every API method for reader; returns a function that removes the handlers. */
export function registerIpc(reader: Reader, trusted: ReadonlySet<string>): () => void {
  for (const method of METHODS) {
    ipcMain.handle(channelOf(method), async (event, args: unknown): Promise<ApiResult<unknown>> => {
      if (!senderIsTrusted(event, trusted)) {
        return { ok: false, error: { code: 'unauthorized', message: `app: ${method} refused for ${event.senderFrame?.url ?? 'a closed frame'}` } };
      }
      return dispatch(reader.api, method, args);
    });
  }
  return () => {
    for (const method of METHODS) ipcMain.removeHandler(channelOf(method));
  };
}

/** forwardEvents: push reader events to a window's renderer; returns the unsubscribe function. */
export function forwardEvents(reader: Reader, target: () => WebContents | undefined): () => void {
  return reader.onEvent((e: ReaderEvent) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, e);
  });
}
