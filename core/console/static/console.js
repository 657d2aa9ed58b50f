// The console's own script: charts from the data the server rendered, and the tenant switcher
// that follows its choice at once (its button stays for keyboards and browsers without script).
(function () {
  "use strict";
  function charts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var chart = window.echarts.init(node, null, { renderer: "svg" });
      chart.setOption(JSON.parse(node.getAttribute("data-chart")));
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
