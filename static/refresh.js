// Refreshes the dashboard figures in place every data-refresh seconds, so a
// wall screen stays current without a reload (and without losing scroll).
(function () {
  var board = document.getElementById('board');
  if (!board || !window.fetch || !window.DOMParser) return;
  var seconds = parseInt(board.getAttribute('data-refresh'), 10) || 60;
  setInterval(function () {
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('board');
        if (fresh) board.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* the next tick tries again */ });
  }, seconds * 1000);
})();
