// Benchmark sink, run as a child process of throughput.mjs so the sender has a core of its own: a TCP and a TLS
// listener on 127.0.0.1 that count the bytes they read and close their side after the sender's end of stream
// (what confirm() waits for). Talks to the parent over IPC: {type:'reset'}, {type:'wait', id, bytes}.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

const [certFile, keyFile] = process.argv.slice(2);
if (certFile === undefined || keyFile === undefined || process.send === undefined) {
  console.error('usage: started by throughput.mjs (fork) with <cert.pem> <key.pem>');
  process.exit(2);
}

let received = 0;
const waiting = new Map();

function check() {
  for (const [id, bytes] of waiting) {
    if (received >= bytes) {
      waiting.delete(id);
      process.send({ type: 'reached', id, received });
    }
  }
}

function onConnection(socket) {
  socket.on('data', (chunk) => {
    received += chunk.length;
    if (waiting.size > 0) check();
  });
  // Read to EOF, then close: the receiver behaviour that lets the sender confirm delivery.
  socket.on('end', () => socket.end());
  socket.on('error', () => socket.destroy());
}

const tcp = createServer(onConnection);
const tls = createTlsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, onConnection);
tls.on('tlsClientError', () => undefined);

await Promise.all([
  new Promise((resolve) => tcp.listen(0, '127.0.0.1', resolve)),
  new Promise((resolve) => tls.listen(0, '127.0.0.1', resolve)),
]);

process.on('message', (message) => {
  if (message.type === 'reset') {
    received = 0;
    process.send({ type: 'reset-done' });
  } else if (message.type === 'wait') {
    waiting.set(message.id, message.bytes);
    check();
  }
});
// The parent going away (or disconnecting) ends the sink: nothing keeps running on its own.
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', tcpPort: tcp.address().port, tlsPort: tls.address().port });
