/** Electron's entry (bundled to app/dist/main.cjs): hands the real electron module to the shell. */
import * as electron from 'electron';
import { bundledPaths, startShell } from './app';
import { dbPathFromArgs } from '../store/paths';

if (electron.app.isPackaged && !process.env.VIOMMU_LAB_RESOURCES) process.env.VIOMMU_LAB_RESOURCES = `${process.resourcesPath}/resources`;
// `npm start -- --db FILE` reaches here as Electron's own arguments.
startShell(electron, { paths: bundledPaths(__dirname), dbPath: dbPathFromArgs(process.argv.slice(1)) });
