import type { RequestHandler } from 'express';
import type { RawAgentOptions } from './agent-options';

export const INVALID_JSON_BODY = '{"jsonrpc": "2.0", "result": {"kind": "message", ';
const DEFAULT_PARTIAL_BODY = '{"jsonrpc": "2.0", "id": 1, "result": {"kind": "message", "parts": [';

/** Plain-express answers for the proxy's error paths, where a well-behaved SDK server won't do. */
export function rawResponder(options: RawAgentOptions): RequestHandler {
  switch (options.mode) {
    case 'neverAnswer':
      return () => undefined;
    case 'status':
      return (_req, res) => {
        if (typeof options.body === 'string') {
          res
            .status(options.status)
            .type(options.contentType ?? 'text/plain')
            .send(options.body);
        } else {
          res.status(options.status).json(options.body);
        }
      };
    case 'invalidJson':
      return (_req, res) => {
        res
          .status(options.status ?? 200)
          .type('application/json')
          .send(INVALID_JSON_BODY);
      };
    case 'headersThenDie':
      return (_req, res) => {
        // Chunked encoding with no terminator: the reader sees the headers, then a broken body.
        res.writeHead(options.status ?? 200, { 'Content-Type': 'application/json' });
        res.write(options.partialBody ?? DEFAULT_PARTIAL_BODY, () => res.socket?.destroy());
      };
  }
}
