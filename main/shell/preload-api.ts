/**
 * What the preload puts in the page: one function per API operation (never a generic invoke),
 * each sending its payload on its own channel and unwrapping the reply envelope.
 */
import { ipcChannel, OPERATION_NAMES, type LabApi } from '../common/api/contract';

export type Invoke = (channel: string, payload: unknown) => Promise<unknown>;

export const EXPOSED_NAME = 'viommuLab';

export function buildPreloadApi(invoke: Invoke): LabApi {
  const api: Record<string, (payload: unknown) => Promise<unknown>> = {};
  for (const op of OPERATION_NAMES) {
    const channel = ipcChannel(op);
    api[op] = async (payload: unknown) => {
      const reply = (await invoke(channel, payload ?? {})) as { ok: boolean; result?: unknown; error?: string };
      if (!reply.ok) throw new Error(reply.error ?? `${op} failed`);
      return reply.result;
    };
  }
  return Object.freeze(api) as unknown as LabApi;
}

export function exposeLabApi(contextBridge: { exposeInMainWorld(key: string, api: unknown): void }, ipcRenderer: { invoke(channel: string, ...args: unknown[]): Promise<unknown> }): void {
  contextBridge.exposeInMainWorld(
    EXPOSED_NAME,
    buildPreloadApi((channel, payload) => ipcRenderer.invoke(channel, payload)),
  );
}
