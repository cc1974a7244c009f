/** Electron's entry (bundled to app/dist/main.cjs): hands the real electron module to the shell. */
import * as electron from 'electron';
import { bundledPaths, startShell } from './app';
import { applyPackagedEnvironment } from './packaged';
import { dbPathFromArgs } from '../store/paths';

if (electron.app.isPackaged) applyPackagedEnvironment(process.resourcesPath, __filename);
// `npm start -- --db FILE` reaches here as Electron's own arguments.
startShell(electron, { paths: bundledPaths(__dirname), dbPath: dbPathFromArgs(process.argv.slice(1)) });
