// The service worker of Vùng Xanh: entry pages (a new record's form, a
// daily report's form) and the static files keep working without signal.
// Pages are fetched from the network first and the copy kept; with no
// signal the kept copy is served. An entry form sent while the network
// fails is put in the outbox (Cache Storage, shared with offline.js, which
// sends it when the signal returns) and the form is shown again.
'use strict';

var PAGES = 'vx-pages-v1';
var OUTBOX = 'vx-outbox';
var STATIC = ['/static/style.css', '/static/offline.js'];

// A form that creates a record: `/cases/new` or a daily report's page.
function entryPage(path) {
  return /^\/[a-z-]+\/new$/.test(path) || /^\/daily\/[^/]+\/[^/]+$/.test(path);
}

// Where an entry form posts: `/cases` or a daily report's page.
function entryAction(path) {
  return /^\/[a-z-]+$/.test(path) || /^\/daily\/[^/]+\/[^/]+$/.test(path);
}

function keep(request, response) {
  if (!response || !response.ok || response.redirected || response.type !== 'basic') return;
  var copy = response.clone();
  caches.open(PAGES).then(function (c) { return c.put(request, copy); });
}

function fromNetwork(request) {
  return fetch(request).then(function (response) {
    keep(request, response);
    return response;
  }, function (err) {
    return caches.open(PAGES).then(function (c) {
      return c.match(request, { ignoreSearch: true });
    }).then(function (kept) {
      if (kept) return kept;
      throw err;
    });
  });
}

self.addEventListener('install', function (ev) {
  ev.waitUntil(caches.open(PAGES).then(function (c) {
    return Promise.all(STATIC.concat(['/cases/new']).map(function (path) {
      return fetch(path, { credentials: 'same-origin' }).then(function (r) {
        if (r.ok && !r.redirected) return c.put(path, r);
      }).catch(function () { /* kept on the next visit */ });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (ev) {
  ev.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', function (ev) {
  var request = ev.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'GET') {
    if (STATIC.indexOf(url.pathname) >= 0 || (request.mode === 'navigate' && entryPage(url.pathname))) {
      ev.respondWith(fromNetwork(request));
    }
    return;
  }
  if (request.method === 'POST' && request.mode === 'navigate' && entryAction(url.pathname)) {
    var copy = request.clone();
    ev.respondWith(fetch(request).catch(function () {
      // No signal: keep what was typed, and show the form again.
      return copy.text().then(function (body) {
        var form = new URLSearchParams(body);
        var key = form.get('idempotency_key');
        if (!key) throw new Error('not an entry form');
        return caches.open(OUTBOX).then(function (c) {
          return c.put('/__outbox/' + encodeURIComponent(key), new Response(body, {
            headers: {
              'x-vx-action': url.pathname,
              'x-vx-at': String(Date.now()),
              'x-vx-user': form.get('vx_user') || ''
            }
          }));
        }).then(function () {
          var back = request.referrer ? new URL(request.referrer) : url;
          back.searchParams.set('kept', '1');
          return Response.redirect(back.href, 303);
        });
      });
    }));
  }
});
