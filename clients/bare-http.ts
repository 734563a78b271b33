import { ROUTES } from '../servers/contract/wire.js';
import { LongPollingClient } from './long-polling.js';
import { ShortPollingClient } from './short-polling.js';
import { ServerSentEventsClient } from './sse.js';

/** The bare HTTP loops speak pushbench's contract on paths of their own: the same clients ask there. */
export class BareShortPollingClient extends ShortPollingClient {
  protected override readonly path: string = ROUTES.barePoll;
}

export class BareLongPollingClient extends LongPollingClient {
  protected override readonly path: string = ROUTES.bareLongPoll;
}

export class BareServerSentEventsClient extends ServerSentEventsClient {
  protected override readonly path: string = ROUTES.bareEvents;
}
