import { ROUTES } from '../servers/contract/wire.js';
import { LongPollingClient } from './long-polling.js';
import { ShortPollingClient } from './short-polling.js';

/** The express references speak pushbench's polling contract on paths of their own: the same clients ask there. */
export class ExpressShortPollingClient extends ShortPollingClient {
  protected override readonly path: string = ROUTES.expressPoll;
}

export class ExpressLongPollingClient extends LongPollingClient {
  protected override readonly path: string = ROUTES.expressLongPoll;
}
