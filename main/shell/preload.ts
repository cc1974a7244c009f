/** The preload (bundled to app/dist/preload.cjs, runs sandboxed): exposes the API and nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { exposeLabApi } from './preload-api';

exposeLabApi(contextBridge, ipcRenderer);
