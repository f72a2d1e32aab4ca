/* Dashboard behaviour: sortable tables, the print button and the charts.
   Everything works without it: tables are in district-code order and each chart has a table. */
(function () {
  "use strict";

  // Okabe–Ito: distinguishable with the common forms of colour blindness.
  var PALETTE = {
    blue: "#0072B2",
    orange: "#E69F00",
    sky: "#56B4E9",
    green: "#009E73",
    vermillion: "#D55E00",
    purple: "#CC79A7",
    yellow: "#F0E442",
    black: "#000000"
  };
  var LOCALE = document.documentElement.lang || "vi";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function formatPct(value) {
    return value === null || value === undefined
      ? "—"
      : value.toLocaleString(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " %";
  }

  // --- Sortable tables: click a heading; numbers sort by their data-value. ---
  function sortTable(table, header) {
    var index = Array.prototype.indexOf.call(header.parentNode.children, header);
    var numeric = header.getAttribute("data-sort") === "num";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index], y = b.cells[index];
      var vx = x.getAttribute("data-value") || x.textContent.trim();
      var vy = y.getAttribute("data-value") || y.textContent.trim();
      var result = numeric ? parseFloat(vx) - parseFloat(vy) : vx.localeCompare(vy, LOCALE);
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      th.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th[data-sort] button").forEach(function (button) {
      button.addEventListener("click", function () {
        sortTable(table, button.parentNode);
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // --- Charts ---
  if (typeof window.Chart === "undefined") { return; }
  var Chart = window.Chart;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = "#1b1b1b";
  Chart.defaults.animation = false; // printing and screenshots see the final chart at once

  var coverage = readJson("coverage-chart-data");
  if (coverage && document.getElementById("coverage-chart")) {
    new Chart(document.getElementById("coverage-chart"), {
      type: "bar",
      data: {
        labels: coverage.labels,
        datasets: [{
          label: coverage.label,
          data: coverage.coverage,
          backgroundColor: PALETTE.blue,
          borderColor: PALETTE.black,
          borderWidth: 1
        }]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: { x: { min: 0, max: 100, title: { display: true, text: coverage.goal_label } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (ctx) { return formatPct(ctx.raw); } } }
        }
      }
    });
  }

  var funnel = readJson("funnel-data");
  if (funnel && document.getElementById("funnel-chart")) {
    var datasets = [{
      label: funnel.label,
      data: funnel.values,
      backgroundColor: PALETTE.purple,
      borderColor: PALETTE.black,
      borderWidth: 1
    }];
    if (funnel.targets.some(function (value) { return value !== null; })) {
      datasets.push({
        label: funnel.target_label,
        data: funnel.targets,
        backgroundColor: "rgba(0,0,0,0)",
        borderColor: PALETTE.vermillion,
        borderWidth: 2,
        borderDash: [6, 3]
      });
    }
    new Chart(document.getElementById("funnel-chart"), {
      type: "bar",
      data: { labels: funnel.labels, datasets: datasets },
      // Horizontal, as a funnel reads: long Vietnamese step names get the whole left margin.
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  var trend = readJson("trend-data");
  if (trend && document.getElementById("trend-chart")) {
    new Chart(document.getElementById("trend-chart"), {
      data: {
        labels: trend.labels,
        datasets: [
          {
            type: "line",
            label: trend.coverage_label,
            data: trend.coverage,
            borderColor: PALETTE.blue,
            backgroundColor: PALETTE.blue,
            pointStyle: "circle",
            yAxisID: "pct"
          },
          {
            type: "bar",
            label: trend.admitted_label,
            data: trend.admitted,
            backgroundColor: PALETTE.orange,
            borderColor: PALETTE.black,
            borderWidth: 1,
            yAxisID: "count"
          }
        ]
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          pct: { position: "left", min: 0, max: 100, title: { display: true, text: trend.coverage_label } },
          count: {
            position: "right", beginAtZero: true, ticks: { precision: 0 },
            grid: { drawOnChartArea: false }, title: { display: true, text: trend.admitted_label }
          }
        }
      }
    });
  }

  // Charts redraw at print size, so a printed page is not a stretched screenshot.
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances).forEach(function (chart) { chart.resize(); });
  });
})();
