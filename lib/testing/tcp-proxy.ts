/**
 * A loopback TCP proxy whose "network" can be cut: the stand-in for an outage of any target (LDAP, PostgreSQL,
 * HTTP) in tests and benchmarks. `setDown(true)` closes the listener (new connections are refused) and destroys
 * every open connection; `setDown(false)` listens again on the same port. Bytes are piped untouched.
 */
import net from "node:net";

export type TcpProxy = { port: number; host: string; setDown(down: boolean): Promise<void>; stop(): Promise<void> };

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  let down = false;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    port,
    host: "127.0.0.1",
    async setDown(d: boolean) {
      if (d === down) return;
      down = d;
      if (d) {
        const closing = close();
        for (const s of sockets) s.destroy();
        sockets.clear();
        await closing;
      } else await listen(port);
    },
    async stop() {
      for (const s of sockets) s.destroy();
      if (!down) await close();
    },
  };
}
