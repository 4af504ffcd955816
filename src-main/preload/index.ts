import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('tidings', {});
