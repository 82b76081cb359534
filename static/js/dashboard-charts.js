// The dashboard's two statistics charts, drawn with the vendored Chart.js (static/vendor/chartjs/) from the
// figures the page carries in the json_script block #statistics-chart-data. The tables under the charts stay
// the accessible source of every number; the charts add shape, patterns and printed values so that no series
// is told apart by colour alone.
(function () {
  "use strict";

  var source = document.getElementById("statistics-chart-data");
  if (!source || !window.Chart) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var root = getComputedStyle(document.documentElement);
  var colour = function (name) { return root.getPropertyValue(name).trim(); };
  var ink = colour("--ink");

  Chart.defaults.font.family = root.fontFamily;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = colour("--ink-2");
  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
    Chart.defaults.animation = false;
  }

  // A solid, striped or dotted fill: the legend shows the same pattern as the bars.
  function fill(base, kind) {
    if (kind === "solid") {
      return base;
    }
    var tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    var pen = tile.getContext("2d");
    pen.fillStyle = base;
    pen.fillRect(0, 0, 8, 8);
    pen.fillStyle = pen.strokeStyle = "rgba(255, 255, 255, .7)";
    pen.lineWidth = 2;
    pen.beginPath();
    if (kind === "stripes") {
      pen.moveTo(-2, 2); pen.lineTo(2, -2);
      pen.moveTo(0, 8); pen.lineTo(8, 0);
      pen.moveTo(6, 10); pen.lineTo(10, 6);
      pen.stroke();
    } else {
      pen.arc(4, 4, 1.7, 0, 2 * Math.PI);
      pen.fill();
    }
    return pen.createPattern(tile, "repeat");
  }

  // Prints each value on its bar or above its point, where it fits, dark on a white halo for any fill.
  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart) {
      var pen = chart.ctx;
      pen.save();
      pen.font = "600 12px " + Chart.defaults.font.family;
      pen.textAlign = "center";
      pen.textBaseline = "middle";
      pen.lineWidth = 3;
      pen.strokeStyle = "#fff";
      pen.fillStyle = ink;
      chart.data.datasets.forEach(function (dataset, index) {
        var meta = chart.getDatasetMeta(index);
        if (meta.hidden) {
          return;
        }
        meta.data.forEach(function (element, i) {
          var value = dataset.data[i];
          var line = meta.type === "line";
          if (value === null || (value === 0 && !line)) {
            return;  // an empty bar has nothing to label; a rate of 0% is worth reading
          }
          var text = dataset.valueSuffix ? value + dataset.valueSuffix : String(value);
          var x, y;
          if (line) {
            x = element.x;
            y = element.y - 14 < chart.chartArea.top ? element.y + 14 : element.y - 14;  // 100% : below the point
          } else if (chart.options.indexAxis === "y") {
            if (Math.abs(element.x - element.base) < pen.measureText(text).width + 6) {
              return;
            }
            x = (element.x + element.base) / 2;
            y = element.y;
          } else {
            // Just inside the top of the bar, clear of the line's labels above its points.
            if (Math.abs(element.y - element.base) < 18) {
              return;
            }
            x = element.x;
            y = element.y + 10;
          }
          pen.strokeText(text, x, y);
          pen.fillText(text, x, y);
        });
      });
      pen.restore();
    }
  };

  var legend = {position: "bottom", labels: {boxWidth: 18, boxHeight: 12, padding: 16}};
  var count = {beginAtZero: true, ticks: {precision: 0}};

  // Long union names on lines of even length (at most ten characters) rather than cut off at the chart's edge.
  function wrap(name) {
    var size = Math.ceil(name.length / Math.ceil(name.length / 10));
    var lines = [];
    for (var i = 0; i < name.length; i += size) {
      lines.push(name.slice(i, i + size));
    }
    return lines;
  }

  function byUnion(canvas, figures) {
    // One bar per union: the box grows with the unions and their lines of name so that every name stays legible.
    var labels = figures.labels.map(wrap);
    var rows = labels.reduce(function (sum, lines) { return sum + 22 + 15 * lines.length; }, 0);
    canvas.parentNode.style.height = Math.max(220, rows + 90) + "px";
    var looks = [[colour("--blue"), "solid"], [colour("--amber"), "stripes"], [colour("--muted"), "dots"]];
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: figures.series.map(function (series, i) {
          return {label: series.label, data: series.data, backgroundColor: fill(looks[i][0], looks[i][1]),
                  borderColor: "#fff", borderWidth: 1, maxBarThickness: 26};
        })
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: {x: Object.assign({stacked: true}, count),
                 y: {stacked: true, grid: {display: false}, ticks: {autoSkip: false}}},
        plugins: {legend: legend}
      },
      plugins: [valueLabels]
    });
  }

  function byYear(canvas, figures) {
    return new Chart(canvas, {
      data: {
        labels: figures.labels,
        // The line is drawn over the bars (lower order on top) and told apart by its dashes and diamonds.
        datasets: [
          {type: "bar", label: figures.named.label, data: figures.named.data, yAxisID: "named",
           backgroundColor: colour("--blue"), maxBarThickness: 42, pointStyle: "rect", order: 1},
          {type: "line", label: figures.rate.label, data: figures.rate.data, yAxisID: "rate", valueSuffix: "%",
           borderColor: colour("--red"), backgroundColor: colour("--red"), borderWidth: 2, borderDash: [6, 4],
           pointStyle: "rectRot", pointRadius: 6, pointHoverRadius: 7, order: 0}
        ]
      },
      options: {
        maintainAspectRatio: false,
        interaction: {mode: "index", intersect: false},
        scales: {
          x: {grid: {display: false}},
          named: Object.assign({position: "left", grace: "10%", title: {display: true, text: figures.named.label}},
                               count),
          rate: {position: "right", min: 0, max: 100, grid: {drawOnChartArea: false},
                 title: {display: true, text: figures.rate.label},
                 ticks: {callback: function (value) { return value + "%"; }}}
        },
        plugins: {
          // The legend shows the bar's square and the line's diamond, in the datasets' order.
          legend: {position: "bottom", labels: {usePointStyle: true, padding: 16,
                                                sort: function (a, b) { return a.datasetIndex - b.datasetIndex; }}},
          tooltip: {callbacks: {label: function (item) {
            var value = item.raw === null ? "—" : item.raw + (item.dataset.valueSuffix || "");
            return item.dataset.label + "：" + value;
          }}}
        }
      },
      plugins: [valueLabels]
    });
  }

  byUnion(document.getElementById("chart-by-union"), data.byUnion);
  byYear(document.getElementById("chart-by-year"), data.byYear);
})();
