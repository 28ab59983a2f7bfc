#!/usr/bin/env node
// Opens the wgmesh status page (issue 23) in headless Chromium and checks what it shows, in one
// page load: first every expected host healthy (screenshot), then, WITHOUT reloading, one named
// host unhealthy (second screenshot), which proves the page updates itself.
//
// Usage:
//   node status-page.mjs --url https://ADDR:PORT/status --hosts h1,h2,h3 --unhealthy h2 \
//        --screenshots DIR [--user NAME --password-file FILE] [--cert PEM --key PEM] \
//        [--ca PEM] [--ready-file FILE] [--timeout SECONDS] [--chromium PATH]
//
//   --url            the page, https://.../status of a running `wgsite --serve`
//   --hosts          the hosts that must all show healthy first (comma-separated)
//   --unhealthy      the host that must then show unhealthy (omit: only the first phase)
//   --unhealthy-link A,B  with --unhealthy: the link between hosts A and B must then be drawn
//                    unhealthy too
//   --screenshots    where status-healthy.png and status-unhealthy.png are written
//   --user, --password-file   the admin password login (HTTP Basic; the password is read from
//                    the file's first line, never given on the command line); or
//   --cert, --key    an admin client certificate (enrolment.admins) and its key
//   --ca             the CA of the service's TLS certificate: the script checks the server's
//                    chain and name against it with Node's TLS before the browser (which then
//                    ignores certificate errors, as Chromium would need an NSS store to trust it)
//   --ready-file     created when the first phase passed: the caller waits for it, then cuts the
//                    link (the script keeps the page open and waits for the change)
//   --timeout        seconds each phase may take (default 120)
//   --chromium       the browser (default /usr/bin/chromium)
//
// Exit 0: both phases passed. Exit 1: a phase failed (the message says what the page showed;
// a screenshot status-failed.png is written). Exit 2: bad arguments.
// Needs: `npm ci` in this directory (playwright-core, pinned by package-lock.json) and Chromium
// (Debian: apt-get install chromium). Playwright's own browser download is never used.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

const OPTIONS = ['url', 'hosts', 'unhealthy', 'unhealthy-link', 'screenshots', 'user', 'password-file', 'cert',
  'key', 'ca', 'ready-file', 'timeout', 'chromium'];

function usage(why) {
  console.error(`status-page: ${why}`);
  console.error('usage: node status-page.mjs --url URL --hosts h1,h2 [--unhealthy h2] ' +
    '--screenshots DIR (--user NAME --password-file FILE | --cert PEM --key PEM) [--ca PEM] ' +
    '[--ready-file FILE] [--timeout S] [--chromium PATH]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--') || !OPTIONS.includes(name)) usage(`unknown option ${argv[i]}`);
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
    o[name] = argv[i + 1];
  }
  for (const required of ['url', 'hosts', 'screenshots']) {
    if (!o[required]) usage(`--${required} is required`);
  }
  if (!o.user && !o.cert) usage('give --user and --password-file, or --cert and --key');
  if ((o.user && !o['password-file']) || (o.cert && !o.key)) {
    usage('--user goes with --password-file, --cert with --key');
  }
  const url = new URL(o.url);
  if (url.protocol !== 'https:') usage('--url must be https://');
  o.hostList = o.hosts.split(',').map((h) => h.trim()).filter(Boolean);
  if (o.hostList.length === 0) usage('--hosts names no host');
  o.timeoutMs = 1000 * Number(o.timeout || 120);
  if (!(o.timeoutMs > 0)) usage('--timeout must be a positive number of seconds');
  o.urlObject = url;
  return o;
}

/** Checks the service's certificate against --ca (chain and name) before trusting the page. */
function checkServer(url, caFile) {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      ca: fs.readFileSync(caFile),
      servername: /^[0-9.]+$|:/.test(host) ? undefined : host,
      rejectUnauthorized: true,
    }, () => {
      socket.end();
      resolve();
    });
    socket.setTimeout(10000, () => socket.destroy(new Error('no TLS handshake within 10 s')));
    socket.on('error', (e) => reject(new Error(`the service at ${url.host} is not trusted by ` +
      `${caFile}: ${e.message}`)));
  });
}

/** What the table shows now: host -> health. */
async function table(page) {
  return page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('#hosts tbody tr')].map((r) => [r.dataset.host, r.dataset.health])));
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  fs.mkdirSync(o.screenshots, { recursive: true });
  if (o.ca) await checkServer(o.urlObject, o.ca);

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'wgmesh-chromium-'));
  const options = {
    executablePath: o.chromium || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 1100 },
  };
  if (o.user) {
    const password = fs.readFileSync(o['password-file'], 'utf8').split('\n')[0];
    options.httpCredentials = { username: o.user, password, send: 'always' };
  }
  if (o.cert) {
    options.clientCertificates = [{ origin: o.urlObject.origin, certPath: o.cert, keyPath: o.key }];
  }
  const context = await chromium.launchPersistentContext(profile, options);
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    // A CSP violation or a script error would mean the page does not work as served. Failed
    // loads are taken from the responses below, which name the URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(m.text());
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  let phase = 'healthy';
  try {
    const answer = await page.goto(o.url, { waitUntil: 'load', timeout: 30000 });
    if (!answer || answer.status() !== 200) {
      throw new Error(`the page answered HTTP ${answer ? answer.status() : 'nothing'}`);
    }
    // Set once; a reload would lose it, so its presence at the end proves there was none.
    await page.evaluate(() => { window.wgmeshLoadedOnce = true; });

    await page.waitForFunction((hosts) => hosts.every((h) =>
      document.querySelector(`#hosts tr[data-host="${h}"][data-health="healthy"]`)),
    o.hostList, { timeout: o.timeoutMs, polling: 500 });
    await page.screenshot({ path: path.join(o.screenshots, 'status-healthy.png'), fullPage: true });
    console.log(`status-page: healthy: ${o.hostList.join(', ')} ` +
      `(screenshot ${path.join(o.screenshots, 'status-healthy.png')})`);
    if (o['ready-file']) fs.writeFileSync(o['ready-file'], 'healthy\n');

    if (o.unhealthy) {
      phase = 'unhealthy';
      await page.waitForFunction((h) =>
        document.querySelector(`#hosts tr[data-host="${h}"][data-health="unhealthy"]`),
      o.unhealthy, { timeout: o.timeoutMs, polling: 500 });
      if (o['unhealthy-link']) {
        const [a, b] = o['unhealthy-link'].split(',');
        await page.waitForFunction(([x, y]) => [`${x} ${y}`, `${y} ${x}`].some((k) =>
          document.querySelector(`#mesh line.link[data-link="${k}"][data-health="unhealthy"]`)),
        [a, b], { timeout: o.timeoutMs, polling: 500 });
      }
      if (!await page.evaluate(() => window.wgmeshLoadedOnce === true)) {
        throw new Error('the page was reloaded; it must update itself');
      }
      await page.screenshot({ path: path.join(o.screenshots, 'status-unhealthy.png'), fullPage: true });
      const links = await page.evaluate(() => [...document.querySelectorAll('#mesh line.link')]
        .map((l) => `${l.dataset.link.replace(' ', '-')}=${l.dataset.health}`).join(' '));
      console.log(`status-page: unhealthy: ${o.unhealthy} without a reload; links: ${links} ` +
        `(screenshot ${path.join(o.screenshots, 'status-unhealthy.png')})`);
    }
    if (problems.length > 0) throw new Error(`the page logged errors: ${problems.join(' | ')}`);
  } catch (e) {
    let shown = '';
    try {
      shown = JSON.stringify(await table(page));
      const error = await page.evaluate(() => document.getElementById('error')?.hidden === false
        ? document.getElementById('error').textContent : '');
      if (error) shown += `; page error: ${error}`;
      await page.screenshot({ path: path.join(o.screenshots, 'status-failed.png'), fullPage: true });
    } catch (ignored) {
      // the page itself is gone: the first error says enough
    }
    const want = phase === 'healthy'
      ? `every one of ${o.hostList.join(', ')} healthy` : `${o.unhealthy} unhealthy`;
    console.error(`status-page: FAILED waiting for ${want}: ${e.message.split('\n')[0]}`);
    if (shown) console.error(`status-page: the table showed ${shown}`);
    if (problems.length > 0) console.error(`status-page: page errors: ${problems.join(' | ')}`);
    process.exitCode = 1;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`status-page: ${e.message}`);
  process.exit(1);
});
