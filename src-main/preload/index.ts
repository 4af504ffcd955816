// The sandboxed preload: exposes the API contract as `window.tidings` and nothing else. The page
// never sees ipcRenderer, an IPC event object or a channel it could choose.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, METHODS, channelOf, type ApiResult, type Method, type ReaderEvent, type TidingsBridge } from '../ipc/contract';

const known = new Set<string>(METHODS);

const bridge: TidingsBridge = {
  invoke(method: Method, args: unknown[]): Promise<ApiResult<unknown>> {
    if (typeof method !== 'string' || !known.has(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `preload: unknown method ${String(method).slice(0, 80)}` } });
    }
    return ipcRenderer.invoke(channelOf(method), Array.isArray(args) ? args : []) as Promise<ApiResult<unknown>>;
  },
  onEvent(listener: (e: ReaderEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('preload: onEvent needs a function');
    const relay = (_event: IpcRendererEvent, payload: ReaderEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, relay);
    };
  },
};

contextBridge.exposeInMainWorld('tidings', bridge);
