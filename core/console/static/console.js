// The console's own script: charts from the data the server rendered, and the tenant switcher
// that follows its choice at once (its button stays for keyboards and browsers without script).
(function () {
  "use strict";
  var GRID = { left: 8, right: 8, top: 16, bottom: 8, containLabel: true };
  // The dashboard's chart data (dashboard.charts_json): the axes once, each figure's series by
  // metric name; a node with data-bars or data-trend names the figure it draws.
  function option(data, node) {
    var bars = node.getAttribute("data-bars");
    if (bars !== null && data.bars[bars]) {
      return {
        grid: GRID,
        tooltip: { trigger: "axis" },
        xAxis: {
          type: "category",
          data: data.children,
          axisLabel: { interval: 0, rotate: data.children.length > 4 ? 30 : 0 }
        },
        yAxis: { type: "value" },
        series: [{ type: "bar", name: data.bars[bars].name, data: data.bars[bars].data,
                   itemStyle: { color: "#b3261e" } }]
      };
    }
    var trend = node.getAttribute("data-trend");
    if (trend !== null && data.trends[trend]) {
      return {
        grid: GRID,
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value" },
        series: [{ type: "line", name: data.trends[trend].name, data: data.trends[trend].data,
                   itemStyle: { color: "#0b4fb3" } }]
      };
    }
    return null;
  }
  function charts() {
    var source = document.getElementById("dashboard-charts");
    if (!window.echarts || !source) return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-bars], [data-trend]").forEach(function (node) {
      var chosen = option(data, node);
      if (chosen === null) return;
      var chart = window.echarts.init(node, null, { renderer: "svg" });
      chart.setOption(chosen);
      node.setAttribute("data-rendered", "true");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  function switcher() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { switcher(); charts(); });
})();
