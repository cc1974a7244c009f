// electron-builder.yml as electron-builder 26 reads it (its own loader and schema validation):
// the Electron fuses it flips at packaging, applied with its own fuse-config code and
// @electron/fuses to a stand-in binary carrying Electron's fuse wire with Electron's defaults
// (the real binary cannot be downloaded here), and the deb's dependency list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion, getCurrentFuseWire, flipFuses, type FuseConfig } from '@electron/fuses';

const root = new URL('../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);

interface BuilderConfig {
  electronFuses?: Record<string, boolean>;
  deb?: { depends?: string[] };
}
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, file: string, opts: null): Promise<BuilderConfig>;
  validateConfiguration(c: BuilderConfig, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
// electron-builder logs to stdout in three writes per line; in a test file's child process stdout
// carries the test runner's serialized reports, and an interleaved write intermittently breaks them
// ("Unable to deserialize cloned data"). Its messages go to stderr here.
const { log: builderLog } = require('builder-util/out/log') as { log: { stream: NodeJS.WritableStream } };
builderLog.stream = process.stderr;
// Through the package's index: its packager modules require each other in that order.
const { PlatformPackager } = require('app-builder-lib') as { PlatformPackager: { prototype: { generateFuseConfig(f: unknown): Promise<FuseConfig> } } };
const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget') as { default: { prototype: { getDefaultDepends(t: string): string[] } } };

async function config(): Promise<BuilderConfig> {
  const c = await getConfig(root, 'electron-builder.yml', null);
  await validateConfiguration(c, new DebugLogger(false));
  return c;
}

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

test('the packaged binary gets its fuses: no RunAsNode, NODE_OPTIONS or inspector; app only from an integrity-checked asar', async (t) => {
  const c = await config();
  assert.ok(c.electronFuses, 'electron-builder.yml sets electronFuses');
  // Electron's default wire (v1, 8 fuses): RunAsNode, NODE_OPTIONS, inspect and file:// privileges on.
  const defaults = [ON, OFF, ON, ON, OFF, OFF, OFF, ON];
  const dir = mkdtempSync(join(tmpdir(), 'viommu-fuses-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const binary = join(dir, 'viommu-lab');
  writeFileSync(binary, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL, 'ascii'), Buffer.from([1, defaults.length, ...defaults]), Buffer.alloc(4096, 0x90)]));

  const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call(null, c.electronFuses);
  assert.equal(fuseConfig.version, FuseVersion.V1);
  await flipFuses(binary, fuseConfig);
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
  const state = (o: FuseV1Options): string => (wire[o] === ON ? 'on' : wire[o] === OFF ? 'off' : `? ${wire[o]}`);
  assert.deepEqual(
    {
      RunAsNode: state(FuseV1Options.RunAsNode),
      EnableNodeOptionsEnvironmentVariable: state(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
      EnableNodeCliInspectArguments: state(FuseV1Options.EnableNodeCliInspectArguments),
      OnlyLoadAppFromAsar: state(FuseV1Options.OnlyLoadAppFromAsar),
      EnableEmbeddedAsarIntegrityValidation: state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
      EnableCookieEncryption: state(FuseV1Options.EnableCookieEncryption),
      GrantFileProtocolExtraPrivileges: state(FuseV1Options.GrantFileProtocolExtraPrivileges),
      LoadBrowserProcessSpecificV8Snapshot: state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot),
    },
    {
      RunAsNode: 'off',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      OnlyLoadAppFromAsar: 'on',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      EnableCookieEncryption: 'on',
      GrantFileProtocolExtraPrivileges: 'off',
      LoadBrowserProcessSpecificV8Snapshot: 'off',
    },
  );
});

test("the deb keeps electron-builder's default dependency list", async () => {
  const c = await config();
  assert.equal(c.deb?.depends, undefined, 'deb.depends would replace the defaults, not add to them');
  const defaults = FpmTarget.prototype.getDefaultDepends.call(null, 'deb');
  for (const lib of ['libgtk-3-0', 'libnss3', 'libnotify4', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0']) assert.ok(defaults.includes(lib), lib);
});
