// The wgmesh status page: polls GET /v1/status and redraws the table and the mesh picture.
// Plain JavaScript, no libraries, no build step. Every text from the document goes in through
// textContent or setAttribute, never as HTML, so a hostname cannot inject markup.
'use strict';

(function () {
  const POLL_MS = 5000;
  const SVG = 'http://www.w3.org/2000/svg';

  function cell(row, text, cls) {
    const td = document.createElement('td');
    td.textContent = text === undefined || text === null ? '-' : String(text);
    if (cls) td.className = cls;
    row.appendChild(td);
  }

  function age(seconds) {
    if (seconds === undefined || seconds === null) return '-';
    if (seconds < 120) return seconds + 's';
    if (seconds < 7200) return Math.floor(seconds / 60) + 'm';
    if (seconds < 172800) return Math.floor(seconds / 3600) + 'h';
    return Math.floor(seconds / 86400) + 'd';
  }

  function drawTable(doc) {
    const body = document.querySelector('#hosts tbody');
    body.replaceChildren();
    const counts = {};
    for (const h of doc.hosts) {
      counts[h.health] = (counts[h.health] || 0) + 1;
      const row = document.createElement('tr');
      row.className = h.health;
      row.dataset.host = h.host;
      row.dataset.health = h.health;
      cell(row, h.host, 'host');
      cell(row, h.health, 'health');
      cell(row, h.serial);
      cell(row, h['links-up'] === undefined ? undefined : h['links-up'] + '/' + h.peers);
      cell(row, h['oldest-handshake'] === undefined ? undefined : age(h['oldest-handshake']));
      cell(row, h['report-age'] === undefined ? undefined : age(h['report-age']) + ' ago');
      cell(row, (h['failed-checks'] || []).join(', ') || '-');
      // Clients attached to the host (issue 25): shown, never judged (a phone is often away).
      cell(row, (h.clients || []).map((c) =>
        c.client + ' ' + (c['handshake-age'] === null ? 'never' : age(c['handshake-age']))).join(', ') || '-',
      'clients');
      body.appendChild(row);
    }
    document.getElementById('summary').textContent =
      '(' + Object.keys(counts).sort().map((k) => counts[k] + ' ' + k).join(', ') + ')';
  }

  function svg(name, attrs) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  }

  function drawMesh(doc) {
    const picture = document.getElementById('mesh');
    picture.replaceChildren();
    const n = doc.hosts.length;
    const where = {};
    doc.hosts.forEach((h, i) => {
      const angle = (2 * Math.PI * i) / Math.max(n, 1) - Math.PI / 2;
      const r = n > 1 ? 230 : 0;
      where[h.host] = { x: 300 + r * Math.cos(angle), y: 300 + r * Math.sin(angle) };
    });
    for (const l of doc.links || []) {
      const a = where[l.a];
      const b = where[l.b];
      if (!a || !b) continue;
      const line = svg('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'link ' + l.health });
      line.dataset.link = l.a + ' ' + l.b;
      line.dataset.health = l.health;
      const title = document.createElementNS(SVG, 'title');
      title.textContent = l.a + ' - ' + l.b + ': ' + l.health;
      line.appendChild(title);
      picture.appendChild(line);
    }
    for (const h of doc.hosts) {
      const p = where[h.host];
      const node = svg('circle', { cx: p.x, cy: p.y, r: 34, class: 'node ' + h.health });
      node.dataset.host = h.host;
      node.dataset.health = h.health;
      picture.appendChild(node);
      const label = svg('text', { x: p.x, y: p.y, class: 'label' });
      label.textContent = h.host;
      picture.appendChild(label);
    }
  }

  function showError(text) {
    const e = document.getElementById('error');
    e.textContent = text;
    e.hidden = false;
    document.body.dataset.polling = 'failing';
  }

  async function poll() {
    try {
      const answer = await fetch('/v1/status', {
        cache: 'no-store',
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (!answer.ok) {
        let why = '';
        try {
          why = (await answer.json()).message || '';
        } catch (ignored) {
          // not JSON: the status line says enough
        }
        throw new Error('HTTP ' + answer.status + (why ? ': ' + why : ''));
      }
      const doc = await answer.json();
      drawTable(doc);
      drawMesh(doc);
      const updated = document.getElementById('updated');
      updated.textContent = new Date().toLocaleTimeString() + ' (site time ' + doc.time + ')';
      updated.setAttribute('datetime', doc.time);
      document.getElementById('error').hidden = true;
      document.body.dataset.polling = 'ok';
      document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    } catch (e) {
      showError('Updating failed at ' + new Date().toLocaleTimeString() + ': ' + e.message +
        '. The table shows the last status received; retrying every 5 s.');
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
