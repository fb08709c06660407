/**
 * Ask the kernel for a free TCP port on 127.0.0.1 (bind to port 0, read it, close).
 * There is a small race between closing and the server binding; callers retry on EADDRINUSE.
 */
import net from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
