/** An error whose script position is known even though no script frame is on the stack. */
import type { Site } from './callsite';

export class SiteError extends Error {
  constructor(
    message: string,
    readonly site: Site | undefined,
  ) {
    super(message);
  }
}
