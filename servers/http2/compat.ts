import http2 from 'node:http2';
import type { Http2Handler } from './front.js';

/**
 * node's compatibility request and response for a stream, made as node's http2 server makes them for its
 * 'request' listeners (lib/internal/http2/compat.js, onServerStream), for the routes that want them: express, the
 * API, the references. A CONNECT is answered 405, an `Expect` other than 100-continue 417, as node answers them.
 */
export function serveCompat(
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  rawHeaders: readonly string[],
  handler: Http2Handler,
): void {
  const req = new http2.Http2ServerRequest(stream, headers, {}, rawHeaders);
  const res = new http2.Http2ServerResponse(stream);
  if (headers[':method'] === 'CONNECT') {
    res.statusCode = http2.constants.HTTP_STATUS_METHOD_NOT_ALLOWED;
    res.end();
    return;
  }
  const expect = headers.expect;
  if (expect !== undefined) {
    if (expect !== '100-continue') {
      res.statusCode = http2.constants.HTTP_STATUS_EXPECTATION_FAILED;
      res.end();
      return;
    }
    res.writeContinue();
  }
  handler(req, res);
}
