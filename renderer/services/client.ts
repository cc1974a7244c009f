/**
 * The renderer's typed client of the API: in Electron the preload's functions (window.viommuLab),
 * in the browser host one POST per operation with the per-launch token from the page.
 */
import { OPERATION_NAMES, type LabApi } from '../../main/common/api/contract';

declare global {
  interface Window {
    viommuLab?: LabApi;
  }
}

export class ApiCallError extends Error {}

function httpClient(token: string): LabApi {
  const api: Record<string, (payload: unknown) => Promise<unknown>> = {};
  for (const op of OPERATION_NAMES) {
    api[op] = async (payload: unknown) => {
      let res: Response;
      try {
        res = await fetch(`/api/${op}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-lab-token': token },
          body: JSON.stringify(payload ?? {}),
        });
      } catch {
        throw new ApiCallError('the workbench host is not reachable (was it stopped?)');
      }
      const body = (await res.json().catch(() => ({ ok: false, error: `${op}: HTTP ${res.status}` }))) as { ok: boolean; result?: unknown; error?: string };
      if (!body.ok) throw new ApiCallError(body.error ?? `${op} failed`);
      return body.result;
    };
  }
  return api as unknown as LabApi;
}

export function connect(): LabApi {
  if (window.viommuLab) return window.viommuLab;
  const token = document.querySelector<HTMLMetaElement>('meta[name="lab-token"]')?.content ?? '';
  return httpClient(token);
}
