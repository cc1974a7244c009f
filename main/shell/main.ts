/** Electron's entry (bundled to app/dist/main.cjs): hands the real electron module to the shell. */
import * as electron from 'electron';
import { bundledPaths, startShell } from './app';

if (electron.app.isPackaged && !process.env.VIOMMU_LAB_RESOURCES) process.env.VIOMMU_LAB_RESOURCES = `${process.resourcesPath}/resources`;
startShell(electron, { paths: bundledPaths(__dirname) });
