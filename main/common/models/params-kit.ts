/**
 * What a model's params schema is built from: zod itself (the engine zone imports no package, so
 * models take `z` from here) and the spec's unit-bearing field types (bytes, duration, ...).
 */
export { z } from 'zod';
export { address, bitrate, bytes, count, duration, identifier, positiveCount, rate } from '../spec/quantity';
