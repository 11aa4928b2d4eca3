// The floor of the export benchmark: a bare Node script that does only what any export of the emulator's sessions
// must do (keep-alive HTTP GETs of every 50-session page, JSON.parse, JSON.stringify of each session, one write per
// page with backpressure) and nothing the CLI adds (ky, validation, checkpoints, paging order, error handling).
// Run by export-20k.mjs as `node export-floor.mjs` with the emulator's INCYDR_URL, _API_CLIENT_ID and _SECRET.
import { Agent, request } from 'node:http';

const base = process.env.INCYDR_URL;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** The body of one request, as text; rejects on a status other than 200. */
function fetchText(path, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const basic = Buffer.from(`${process.env.INCYDR_API_CLIENT_ID}:${process.env.INCYDR_API_CLIENT_SECRET}`);
const { access_token: token } = JSON.parse(
  await fetchText('/v1/oauth', { method: 'POST', headers: { authorization: `Basic ${basic.toString('base64')}` } }),
);
for (let page = 0; ; page += 1) {
  const { items } = JSON.parse(
    await fetchText(`/v1/sessions?page_size=50&page_number=${page}`, { headers: { authorization: `Bearer ${token}` } }),
  );
  if (items.length === 0) break;
  let text = '';
  for (const session of items) text += `${JSON.stringify(session)}\n`;
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}
agent.destroy();
