// The process's output sinks (io.ts) write to the file descriptor until a write fails, then hand
// the rest of that text and all later text to the stream: every byte arrives once, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fdSink } from './io';

/** A stream that records what it was given, as bytes. */
function recorder(): { write(chunk: string | Uint8Array): void; bytes(): Buffer; writes: number } {
  const chunks: Buffer[] = [];
  const r = {
    writes: 0,
    write(chunk: string | Uint8Array) {
      r.writes++;
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    },
    bytes: () => Buffer.concat(chunks),
  };
  return r;
}

test('direct writes reach the descriptor, each in full even when the writes are partial, and no stream is made', () => {
  const got: Buffer[] = [];
  let made = 0;
  // Three bytes at a time, as a pipe may take a write in parts.
  const sink = fdSink(7, () => (made++, recorder()), true, (fd, b, off) => {
    assert.equal(fd, 7);
    const n = Math.min(3, b.length - off);
    got.push(Buffer.from(b.subarray(off, off + n)));
    return n;
  });
  sink.write('run — 81,770 unmaps\n');
  sink.write('stored\n');
  assert.equal(Buffer.concat(got).toString('utf8'), 'run — 81,770 unmaps\nstored\n');
  assert.equal(made, 0);
  assert.equal(sink.handedOver, false);
});

test('after a failed write the rest of it and every later text go to the stream, in order', () => {
  const fd: Buffer[] = [];
  const stream = recorder();
  let calls = 0;
  const sink = fdSink(1, () => stream, true, (_fd, b, off) => {
    if (++calls === 3) throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
    const n = Math.min(4, b.length - off);
    fd.push(Buffer.from(b.subarray(off, off + n)));
    return n;
  });
  sink.write('abcdefghij—k\n');
  sink.write('second line\n');
  assert.equal(Buffer.concat([...fd, stream.bytes()]).toString('utf8'), 'abcdefghij—k\nsecond line\n');
  assert.equal(Buffer.concat(fd).toString('utf8'), 'abcdefgh');
  assert.equal(calls, 3, 'no direct write after the failure');
  assert.equal(sink.handedOver, true);
});

test('without direct writes (not Linux) everything goes to the stream', () => {
  const stream = recorder();
  const sink = fdSink(2, () => stream, false, () => assert.fail('a direct write'));
  sink.write('one\n');
  sink.write('two\n');
  assert.equal(stream.bytes().toString('utf8'), 'one\ntwo\n');
  assert.equal(sink.handedOver, false);
});

test('outputPending: nothing before any stream write, a pipe write still under way after one', () => {
  // In a child whose stdout is a pipe: a 1 MiB write through the stream is more than the pipe
  // takes at once, so the rest is still being written when the next statement runs.
  const io = new URL('./io.ts', import.meta.url).href;
  const code = [
    `const { outputPending, processIO } = await import(${JSON.stringify(io)});`,
    "const { writeSync } = await import('node:fs');",
    "const say = (s) => writeSync(2, s + '\\n');",
    "processIO.out('direct\\n');",
    'say(`before: ${outputPending()}`);',
    "process.stdout.write(Buffer.alloc(1 << 20, 97));",
    'say(`after: ${outputPending()}`);',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', maxBuffer: 4 << 20 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /before: false/);
  assert.match(r.stderr, process.platform === 'linux' ? /after: true/ : /after: (true|false)/);
  assert.equal(r.stdout.length, 'direct\n'.length + (1 << 20));
});
