/**
 * One IPC handler per API operation. Each call is accepted only from the app's own main frame
 * (the sender's frame URL is on the app origin and it is the window we created), validated by
 * `dispatch`, and answered with an envelope so errors reach the renderer as plain messages.
 */
import { ApiError, dispatch, ipcChannel, OPERATION_NAMES, type LabService } from '../common/api/contract';
import type { IpcMainInvokeEventLike, IpcMainLike } from './electron-types';
import { isAppUrl } from './security';

export type Envelope = { ok: true; result: unknown } | { ok: false; error: string };

export function isTrustedSender(event: IpcMainInvokeEventLike, trustedContentsIds: ReadonlySet<number>): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url) && trustedContentsIds.has(event.sender.id);
}

export function registerApiHandlers(ipcMain: IpcMainLike, service: LabService, trustedContentsIds: ReadonlySet<number>, log: (l: string) => void = console.error): void {
  for (const op of OPERATION_NAMES) {
    ipcMain.handle(ipcChannel(op), async (event, payload): Promise<Envelope> => {
      if (!isTrustedSender(event, trustedContentsIds)) return { ok: false, error: 'refused: the caller is not the workbench window' };
      try {
        return { ok: true, result: await dispatch(service, op, payload) };
      } catch (e) {
        if (!(e instanceof ApiError)) log(`viommu-lab: ${op} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
    });
  }
}
