/**
 * The target of the SSRF scenario: an HTTP server listening on one port on 127.0.0.1 and, when the
 * machine has IPv6 loopback, on the same port on ::1, standing for an internal service the guard
 * must keep belwatch away from. It counts every accepted socket (before any byte is read), so a
 * guard that let one connection through shows even when the request is never completed. Whatever
 * does reach it gets a valid RSS feed with a sanctions item and a 200 to a POST, so a leak would
 * also show downstream as a successful poll or delivery.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TargetListener {
  readonly port: number;
  /** Whether [::1]:port listens too. */
  readonly ipv6: boolean;
  /** Sockets accepted so far, on either address. */
  accepted(): number;
  close(): Promise<void>;
}

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>internal</title><link>https://internal.example/</link><description>x</description><item><title>Internal: sanctions against Belarus leaked</title><link>https://internal.example/leak</link></item></channel></rss>`;

export async function startTargetListener(): Promise<TargetListener> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const make = (): Server => {
    const s = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': req.method === 'GET' ? 'application/rss+xml' : 'text/plain' }).end(req.method === 'GET' ? FEED : 'ok');
    });
    s.on('connection', (sock: Socket) => {
      accepted++;
      sockets.add(sock);
      sock.once('close', () => sockets.delete(sock));
    });
    return s;
  };
  const v4 = make();
  await new Promise<void>((resolve) => v4.listen(0, '127.0.0.1', resolve));
  const { port } = v4.address() as AddressInfo;
  let v6: Server | null = make();
  try {
    await new Promise<void>((resolve, reject) => {
      v6!.once('error', reject);
      v6!.listen(port, '::1', resolve);
    });
  } catch {
    v6 = null;
  }
  const close = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));
  return {
    port,
    ipv6: v6 !== null,
    accepted: () => accepted,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([close(v4), ...(v6 ? [close(v6)] : [])]);
    },
  };
}
