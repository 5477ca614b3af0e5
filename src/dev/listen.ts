/**
 * Where the dev server listens: the port asked for, or the next free one
 * after it; a port or an address that cannot be used is a DevServerError
 * that says what to do.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A problem that stops the dev server from starting (the CLI prints it and exits 1). */
export class DevServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevServerError';
  }
}

/** Listens on `port` of `host` (0: any free port); unless `strict`, tries the next 20 ports when it is taken. Resolves with the port. */
export async function listen(server: Server, host: string, port: number, strict: boolean): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const tried = port === 0 ? 0 : port + attempt;
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => {
          server.off('listening', onListening);
          reject(error);
        };
        const onListening = () => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(tried, host);
      });
      return (server.address() as AddressInfo).port;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && !strict && port !== 0 && attempt < 20) continue;
      if (code === 'EADDRINUSE') throw new DevServerError(`Port ${tried} is in use${strict ? '' : ` (and the next ${attempt} too)`}; choose another with --port`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new DevServerError(`Cannot listen on ${host}: no such address on this machine`);
      if (code === 'EACCES') throw new DevServerError(`Not allowed to listen on port ${tried}; ports below 1024 need privileges`);
      throw error;
    }
  }
}
