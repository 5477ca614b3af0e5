/**
 * Live reload: the open pages listen to Server-Sent Events (templates/dev/
 * client.js) and hear the state of the builds (their badge) and when to
 * reload.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BuildReport, DevState } from './builds.ts';
import { send } from './respond.ts';

/** How often an idle stream gets a comment, to keep proxies and browsers from closing it. */
const PING_MS = 15_000;

/** What the badge shows: the state, the session (a new server means a new site), the counts and the warnings. */
export function statusMessage(state: DevState, last: BuildReport | undefined, session: string): string {
  return JSON.stringify({
    state,
    build: last?.build ?? 0,
    session,
    errors: last?.errors.length ?? 0,
    warnings: (last?.warnings ?? []).slice(0, 100).map((w) => ({ where: w.where, message: w.message, rule: w.rule })),
    warningCount: last?.warnings.length ?? 0,
    ms: last ? Math.round(last.ms) : undefined,
  });
}

export class LiveReload {
  private readonly clients = new Set<ServerResponse>();
  private readonly ping = setInterval(() => this.write(': ping\n\n'), PING_MS);

  /** `status` gives the status message as it is now. */
  constructor(
    private readonly session: string,
    private readonly status: () => string,
  ) {
    this.ping.unref();
  }

  /** Answers a request for the event stream: keeps it open, says hello and the status. */
  connect(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'HEAD') return send(res, 200, 'text/event-stream; charset=utf-8', '', req);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 1000\n\nevent: hello\ndata: ${JSON.stringify({ session: this.session })}\n\nevent: status\ndata: ${this.status()}\n\n`);
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  /** Tells every page the status as it is now. */
  sendStatus(): void {
    this.broadcast('status', this.status());
  }

  /** Tells every page to reload: build `build` changed what they show. */
  reload(build: number): void {
    this.broadcast('reload', JSON.stringify({ build }));
  }

  /** Ends every stream. */
  close(): void {
    clearInterval(this.ping);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcast(event: string, data: string): void {
    this.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  private write(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}
