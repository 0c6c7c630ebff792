/**
 * Runs inside a lab's namespace: for each line `<unix path> <host> <port>` on stdin, it
 * listens on the Unix socket and pipes each connection to host:port, then answers
 * `ok <path>`. The test outside reaches the engine's HTTP API or a phone's control port so.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';

for await (const line of createInterface({ input: process.stdin })) {
  const [path, host, port] = line.trim().split(' ');
  if (!path || !host || !port) continue;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    client.pipe(upstream).pipe(client);
    const close = () => (client.destroy(), upstream.destroy());
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((r) => server.listen(path, () => r()));
  process.stdout.write(`ok ${path}\n`);
}
