export { Environment, URGENT, NORMAL } from './environment';
export { SimEvent, PENDING, TRIGGERED, PROCESSED } from './event';
export { Process, type ProcessGenerator, type Yieldable } from './process';
export { Resource } from './resource';
export { Store } from './store';
export { Rng } from './rng';
export { EventQueue } from './event-queue';
export * from './distributions';
export { finished, DONE, DONE_TRUE, DONE_FALSE, holdThen, continueWith } from './finished';
