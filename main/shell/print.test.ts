import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRINT_OPTIONS } from '../report/pdf';
import { electronPdfPrinter, PDF_OPTIONS, printWindowOptions } from './print';

test('the app prints a report by loading its HTML in a hidden window and calling printToPDF with the CLI\'s page options', async () => {
  const calls: string[] = [];
  let loaded = '';
  const print = electronPdfPrinter(() => ({
    loadURL: async (url) => {
      loaded = url;
      calls.push('load');
    },
    webContents: {
      printToPDF: async (o) => {
        calls.push(`print ${o.pageSize} ${o.printBackground} ${o.preferCSSPageSize}`);
        return new Uint8Array([37, 80, 68, 70]);
      },
    },
    destroy: () => void calls.push('destroy'),
  }));
  const html = '<!DOCTYPE html><html><body><h1>Ré</h1></body></html>';
  const pdf = await print(html);
  assert.deepEqual([...pdf], [37, 80, 68, 70]);
  assert.deepEqual(calls, ['load', 'print A4 true true', 'destroy']);
  assert.equal(Buffer.from(loaded.replace(/^data:text\/html;charset=utf-8;base64,/, ''), 'base64').toString('utf8'), html);
  // The same page setup as the Chromium route (A4, backgrounds, the CSS @page size).
  assert.deepEqual([PDF_OPTIONS.pageSize, PDF_OPTIONS.printBackground, PDF_OPTIONS.preferCSSPageSize], [PRINT_OPTIONS.format, PRINT_OPTIONS.printBackground, PRINT_OPTIONS.preferCSSPageSize]);
});

test('the print window is hidden, sandboxed, without preload or JavaScript', () => {
  const o = printWindowOptions();
  assert.equal(o.show, false);
  assert.equal(o.webPreferences.javascript, false);
  assert.equal(o.webPreferences.sandbox, true);
  assert.equal(o.webPreferences.contextIsolation, true);
  assert.equal(o.webPreferences.nodeIntegration, false);
  assert.ok(!('preload' in o.webPreferences));
});
