import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { resolveStaticPath } from './static-path';

const root = resolve('/srv/renderer');

test('maps request paths to files inside the root', () => {
  assert.equal(resolveStaticPath(root, '/'), join(root, 'index.html'));
  assert.equal(resolveStaticPath(root, '/app.js?v=1'), join(root, 'app.js'));
  assert.equal(resolveStaticPath(root, '/workers/ts.js'), join(root, 'workers', 'ts.js'));
  assert.equal(resolveStaticPath(root, '/assets/codicon%20x.ttf'), join(root, 'assets', 'codicon x.ttf'));
});

test('refuses anything that could leave the root', () => {
  for (const p of ['/../etc/passwd', '/a/../../etc/passwd', '/%2e%2e/etc/passwd', '/%2E%2e%2Fetc', '/%252e%252e/x', '/%25252e%25252e/x', '/..\\x', '/..%5cx', '/./app.js', '/a/%2e/b', '/x%00', 'relative', '/%zz', '/%c0%ae%c0%ae/x']) {
    assert.equal(resolveStaticPath(root, p), null, p);
  }
});
