/**
 * How `npm start` lets Chromium in, in real Chromium: it opens the private file:// launch page
 * (the only thing on its command line), which moves to the one-time launch link; the host sets
 * the token as an HttpOnly, SameSite=Strict cookie and moves the page to `/`. The workbench must
 * load (the Strict cookie survives the cross-site start), the address bar must end on the bare
 * origin, and the page's script must not see the cookie.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { writeLaunchPage } from '../../main/web/launch-page';
import { CHROMIUM, startLab, type Lab } from './harness';

// Under CI a missing Chromium fails the suite (startLab cannot start a browser) instead of skipping it.
const inCi = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());
const skip = CHROMIUM === undefined && !inCi ? 'Chromium is not installed (apt-get install -y chromium)' : false;

describe('launch of the browser host in Chromium', { skip }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.close();
  });

  test('the file:// launch page gets a fresh browser into the workbench, and the address bar keeps no credential', async () => {
    const spent: string[] = [];
    lab.host.onLaunch((code) => spent.push(code));
    const launch = writeLaunchPage(lab.dir, lab.host.launchUrl());
    const browser = await chromium.launchPersistentContext(join(lab.dir, 'fresh-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(launch.url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      assert.equal(page.url(), lab.host.url, 'the address bar shows the bare origin');
      assert.equal(spent.length, 1, 'the launch code was spent');
      assert.equal(await page.evaluate(() => document.cookie), '', 'the cookie is HttpOnly');
      const [cookie] = await browser.cookies(lab.host.url);
      assert.equal(cookie?.httpOnly, true);
      assert.equal(cookie?.sameSite, 'Strict');
      const used = new URL('/launch', lab.host.origin);
      used.searchParams.set('code', spent[0]!);
      const again = await page.goto(used.href);
      assert.equal(again?.status(), 403, 'a used launch link is refused');
    } finally {
      launch.remove();
      await browser.close();
    }
  });
});
