// Nothing lost offline. Registers the service worker (sw.js), which keeps
// the entry pages for use without signal; an entry form (a new case, a
// daily report) sent with no signal is kept on the phone, in the outbox
// (Cache Storage, shared with the service worker), and sent when the
// signal returns. Every send carries the form's idempotency key, so a
// record sent twice (an answer lost on the way back) is stored once.
// The counter "3 bản ghi chờ gửi" shows what is still on the phone.
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !window.fetch || !window.caches || !window.URLSearchParams) return;
  var OUTBOX = 'vx-outbox';
  var PAGES = 'vx-pages-v1';
  var text = me.dataset;
  // Records wait for the user who saved them: on a shared phone, another
  // user's session never sends them.
  var user = text.user || '';

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {});
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  function path(form) {
    return new URL(form.action, location.href).pathname;
  }

  // A form that creates a record (`/cases`, a daily report) and carries a key.
  function entryForm(form) {
    if (!form || (form.method || '').toLowerCase() !== 'post' || !form.elements.idempotency_key) return false;
    var p = path(form);
    return /^\/[a-z-]+$/.test(p) || /^\/daily\/[^/]+\/[^/]+$/.test(p);
  }

  function currentCsrf() {
    var el = document.querySelector('input[name=csrf]');
    return el ? el.value : null;
  }

  // The counter, at the top of the page, hidden when nothing waits.
  var box = document.createElement('div');
  box.id = 'outbox';
  box.className = 'flash';
  box.setAttribute('role', 'status');
  box.hidden = true;
  var count = document.createElement('p');
  count.id = 'outbox-count';
  box.appendChild(count);
  var refused = document.createElement('ul');
  refused.id = 'outbox-refused';
  box.appendChild(refused);
  var main = document.getElementById('main') || document.body;
  main.insertBefore(box, main.firstChild);

  function say(message) {
    var p = document.getElementById('outbox-kept') || document.createElement('p');
    p.id = 'outbox-kept';
    p.className = 'flash';
    p.setAttribute('role', 'status');
    p.textContent = message;
    main.insertBefore(p, box.nextSibling);
  }

  function entries() {
    return caches.open(OUTBOX).then(function (c) {
      return c.keys().then(function (reqs) {
        return Promise.all(reqs.map(function (r) {
          return c.match(r).then(function (res) { return { req: r, res: res }; });
        }));
      });
    }).then(function (list) {
      return list.filter(function (e) { return e && e.res && e.res.headers.get('x-vx-user') === user; });
    });
  }

  function show() {
    return entries().then(function (list) {
      var waiting = list.filter(function (e) { return !e.res.headers.get('x-vx-refused'); });
      var bad = list.filter(function (e) { return e.res.headers.get('x-vx-refused'); });
      count.textContent = waiting.length ? text.pending.replace('{}', waiting.length) : '';
      count.hidden = !waiting.length;
      refused.textContent = '';
      bad.forEach(function (e) { refused.appendChild(fixLink(e)); });
      refused.hidden = !bad.length;
      box.hidden = !list.length;
    });
  }

  // A record the server refused (a code already taken…): opening it posts
  // it as typed, so the form comes back with its errors beside the fields.
  function fixLink(e) {
    var li = document.createElement('li');
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    var action = e.res.headers.get('x-vx-action');
    button.textContent = text.refused + ' ' + action;
    e.res.clone().text().then(function (body) {
      var code = new URLSearchParams(body).get('case_code');
      if (code) button.textContent = text.refused + ' ' + code;
    });
    button.addEventListener('click', function () {
      e.res.clone().text().then(function (body) {
        var form = document.createElement('form');
        form.method = 'post';
        form.action = action;
        new URLSearchParams(body).forEach(function (v, k) {
          var input = document.createElement('input');
          input.type = 'hidden';
          input.name = k;
          input.value = k === 'csrf' ? (currentCsrf() || v) : v;
          form.appendChild(input);
        });
        document.body.appendChild(form);
        return caches.open(OUTBOX).then(function (c) { return c.delete(e.req); }).then(function () {
          form.submit();
        });
      });
    });
    li.appendChild(button);
    return li;
  }

  function put(action, body, key, extra) {
    var headers = { 'x-vx-action': action, 'x-vx-at': String(Date.now()), 'x-vx-user': user };
    if (extra) headers['x-vx-refused'] = extra;
    return caches.open(OUTBOX).then(function (c) {
      return c.put('/__outbox/' + encodeURIComponent(key), new Response(body, { headers: headers }));
    });
  }

  // Sends what waits, oldest first; stops at the first failure of the network.
  var sending = false;
  function send() {
    if (sending || navigator.onLine === false) return Promise.resolve();
    sending = true;
    return entries().then(function (list) {
      list.sort(function (a, b) { return a.res.headers.get('x-vx-at') - b.res.headers.get('x-vx-at'); });
      return list.reduce(function (chain, e) {
        if (e.res.headers.get('x-vx-refused')) return chain;
        return chain.then(function () { return sendOne(e); });
      }, Promise.resolve());
    }).catch(function () { /* no signal yet: the next try sends it */ }).then(function () {
      sending = false;
      return show();
    });
  }

  function sendOne(e) {
    var action = e.res.headers.get('x-vx-action');
    return e.res.clone().text().then(function (body) {
      var params = new URLSearchParams(body);
      var csrf = currentCsrf();
      if (csrf) params.set('csrf', csrf);
      return fetch(action, { method: 'POST', body: params, credentials: 'same-origin' }).then(function (r) {
        var landed = new URL(r.url).pathname;
        if (r.redirected && landed.indexOf('/sign-in') !== 0) {
          // Stored, now or by an earlier send of the same key.
          return caches.open(OUTBOX).then(function (c) { return c.delete(e.req); });
        }
        if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
          return put(action, body, params.get('idempotency_key'), String(r.status));
        }
        // Signed out, or the server is busy: try again later.
        throw new Error('not sent');
      });
    });
  }

  // A cached page must not reuse the key of the page it was copied from;
  // the service worker files what it keeps under the user named here.
  Array.prototype.forEach.call(document.forms, function (form) {
    if (!entryForm(form)) return;
    form.elements.idempotency_key.value = newKey();
    var who = document.createElement('input');
    who.type = 'hidden';
    who.name = 'vx_user';
    who.value = user;
    form.appendChild(who);
  });

  // Entry pages linked from this page (a new case, today's report) are
  // kept for use without signal, once.
  function warm() {
    var paths = [];
    Array.prototype.forEach.call(document.querySelectorAll('a[href]'), function (a) {
      var u = new URL(a.href, location.href);
      var p = u.pathname;
      if (u.origin === location.origin && (/^\/[a-z-]+\/new$/.test(p) || /^\/daily\/[^/]+\/[^/]+$/.test(p)) &&
          paths.indexOf(p) < 0) paths.push(p);
    });
    return caches.open(PAGES).then(function (c) {
      return paths.slice(0, 6).reduce(function (chain, p) {
        return chain.then(function () {
          return c.match(p).then(function (hit) {
            if (hit) return;
            return fetch(p, { credentials: 'same-origin' }).then(function (r) {
              if (r.ok && !r.redirected) return c.put(p, r);
            });
          });
        });
      }, Promise.resolve());
    }).catch(function () {});
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!entryForm(form) || navigator.onLine !== false) return;
    ev.preventDefault();
    var body = new URLSearchParams(new FormData(form)).toString();
    put(path(form), body, form.elements.idempotency_key.value).then(function () {
      form.reset();
      form.elements.idempotency_key.value = newKey();
      say(text.kept);
      return show();
    });
  });

  if (new URLSearchParams(location.search).get('kept') === '1') say(text.kept);
  window.addEventListener('online', send);
  show().then(send).then(function () {
    if (navigator.onLine !== false && 'serviceWorker' in navigator) return warm();
  });
  setInterval(send, 20000);
})();
