import * as http from 'node:http';
import { listen, connect, toDuplex, generateCaChain } from 'sslsocket';
const ca = await generateCaChain({ altNames: ['server.test'] });
const app = http.createServer((req, res) => { console.log('request', req.url); res.end('served'); });
const listener = await listen(0, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
listener.accept().then((tls) => { console.log('accepted'); app.emit('connection', toDuplex(tls)); }, (e) => console.log('accept failed', e));
const client = await connect('127.0.0.1', listener.address.port, { cacerts: [ca.ca.certificatePem], serverNameIndication: 'server.test' });
console.log('client connected');
await client.send('GET / HTTP/1.1\r\nHost: server.test\r\nConnection: close\r\n\r\n');
console.log('sent');
const t = setTimeout(() => { console.log('timeout'); process.exit(1); }, 3000);
let reply = '';
for await (const chunk of client) { reply += new TextDecoder().decode(chunk); console.log('chunk', JSON.stringify(reply)); }
console.log('done', reply.length); clearTimeout(t); await listener.close(); app.close();
