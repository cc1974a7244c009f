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

/** The database a start command names with `--db FILE` or `--db=FILE` (npm start -- --db FILE), else the default. */
export function dbPathFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--db') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error('--db needs a file name');
      return v;
    }
    if (a.startsWith('--db=')) return a.slice(5);
  }
  return defaultDbPath(env);
}
