/** Where the shared database lives by default: the user's data directory (XDG on Linux). */
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIOMMU_LAB_DB) return env.VIOMMU_LAB_DB;
  const home = homedir();
  let dir: string;
  switch (platform()) {
    case 'darwin':
      dir = join(home, 'Library', 'Application Support');
      break;
    case 'win32':
      dir = env.APPDATA ?? join(home, 'AppData', 'Roaming');
      break;
    default:
      dir = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  }
  return join(dir, 'viommu-lab', 'lab.sqlite');
}
