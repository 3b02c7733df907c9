// The demo page's own script: buttons calling the widget's API and a list of the widget's events.
(function () {
  'use strict';
  function ready(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn); else fn();
  }
  ready(function () {
    var embed = document.getElementById('embed');
    embed.textContent = embed.textContent.replace('https://YOUR-PARLEY-HOST', location.origin);
    document.getElementById('open').addEventListener('click', function () { if (window.Parley) window.Parley.open(); });
    document.getElementById('close').addEventListener('click', function () { if (window.Parley) window.Parley.close(); });
    document.getElementById('reset').addEventListener('click', function () { if (window.Parley) window.Parley.reset(); });
    var list = document.getElementById('events');
    ['ready', 'open', 'close', 'message', 'unread', 'handoff', 'connection', 'identityrequired', 'error']
      .forEach(function (name) {
        window.addEventListener('parley:' + name, function (event) {
          var item = document.createElement('li');
          item.textContent = name + ' ' + JSON.stringify(event.detail);
          list.insertBefore(item, list.firstChild);
          while (list.children.length > 50) list.removeChild(list.lastChild);
        });
      });
  });
})();
