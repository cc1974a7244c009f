// The process's output sinks (io.ts) write to the file descriptor until a write fails, then hand
// the rest of that text and all later text to the stream: every byte arrives once, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
  assert.equal(sink.usedStream, false);
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
  assert.equal(sink.usedStream, true);
});

test('without direct writes (not Linux) everything goes to the stream', () => {
  const stream = recorder();
  const sink = fdSink(2, () => stream, false, () => assert.fail('a direct write'));
  sink.write('one\n');
  sink.write('two\n');
  assert.equal(stream.bytes().toString('utf8'), 'one\ntwo\n');
  assert.equal(sink.usedStream, false);
});
