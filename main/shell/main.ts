/** Electron's entry (bundled to app/dist/main.cjs): hands the real electron module to the shell. */
import * as electron from 'electron';
import { bundledPaths, startShell } from './app';
import { applyPackagedEnvironment } from './packaged';

if (electron.app.isPackaged) applyPackagedEnvironment(process.resourcesPath, __filename);
startShell(electron, { paths: bundledPaths(__dirname) });
