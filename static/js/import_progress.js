/* Progress of a background import: polls the JSON status endpoint and moves the bar.
   Without JavaScript the page has a <noscript> meta refresh instead. When the task is over,
   the page goes to the preview (or to the imported batch), which the endpoint names in "next". */
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  var delay = 1000;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "vi");

  function show(status) {
    if (typeof status.percent === "number") {
      bar.value = status.percent;
      bar.textContent = status.percent + "%";
    }
    if (status.state === "queued") {
      text.textContent = text.getAttribute("data-text-queued");
    } else if (status.writing) {
      text.textContent = text.getAttribute("data-text-writing");
    } else if (status.state === "running") {
      text.textContent = text.getAttribute("data-text-running") + " " +
        numbers.format(status.rows || 0) + " / " + numbers.format(status.total || 0);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (status) {
        if (status.state === "queued" || status.state === "running") {
          show(status);
          delay = Math.min(delay + 250, 3000);
          window.setTimeout(poll, delay);
        } else {
          if (status.state === "failed") {
            text.textContent = text.getAttribute("data-text-failed");
          } else {
            bar.value = 100;
          }
          window.location.assign(status.next || window.location.href);
        }
      })
      .catch(function () {
        // A network hiccup: slow down and try again rather than give up.
        delay = Math.min(delay * 2, 10000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
