/**
 * The dev server's answers: a body, or a file streamed from disk, never
 * cached by the browser unless told, never sniffed for another type; and the
 * request as its routes see it.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers with `body` (no body for HEAD). */
export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, req?: IncomingMessage): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(req?.method === 'HEAD' ? undefined : body);
}

/** Answers with a file (404 when it is not there); `cache` is its Cache-Control. */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: string, type: string, cache = 'no-store'): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n', req);
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', size);
  res.setHeader('Cache-Control', cache);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** A request as the routes get it. */
export interface DevRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** `url.pathname` with its escapes decoded (as it is when one is malformed). */
  path: string;
}

export type Handler = (r: DevRequest) => Promise<void> | void;
