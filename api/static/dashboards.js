// Draws the dashboard's charts from the page's JSON with Plotly (served by the app: works offline).
// Every chart's toolbar downloads PNG; the SVG button beside each chart downloads SVG.
(function () {
  const view = JSON.parse(document.getElementById("dashboard-data").textContent);
  const config = { displaylogo: false, responsive: true, toImageButtonOptions: { format: "png" } };
  function draw(id, data, layout) {
    const element = document.getElementById(id);
    if (!element) return;
    Plotly.newPlot(element, data, Object.assign({ margin: { t: 20 }, height: 320 }, layout), config);
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Download SVG";
    button.addEventListener("click", () => Plotly.downloadImage(element, { format: "svg", filename: id }));
    element.after(button);
  }
  if (view.survival) {
    const years = ["1", "2", "3"];
    const est = years.map((y) => view.survival[y].estimate);
    draw("survival-chart", [{
      x: years.map((y) => y + " yr"), y: est, type: "bar",
      error_y: { type: "data", symmetric: false,
        array: years.map((y) => view.survival[y].high - view.survival[y].estimate),
        arrayminus: years.map((y) => view.survival[y].estimate - view.survival[y].low) },
    }], { yaxis: { range: [0, 1], tickformat: ".0%" } });
  }
  const cohorts = view.cohorts.filter((c) => c.retention);
  draw("cohort-chart", [{
    type: "heatmap", colorscale: "Greens", reversescale: true, zmin: 0, zmax: 1,
    y: cohorts.map((c) => c.month), x: [...Array(25).keys()].map((k) => "month " + k),
    z: cohorts.map((c) => c.retention),
  }], { height: Math.max(320, 14 * cohorts.length), yaxis: { type: "category", autorange: "reversed" } });
  draw("cycle-chart", [
    { type: "bar", name: "active", x: view.cycles.map((c) => c.election), y: view.cycles.map((c) => c.active) },
    { type: "scatter", name: "share back next cycle", yaxis: "y2",
      x: view.cycles.map((c) => c.election), y: view.cycles.map((c) => c.share_returned) },
  ], { xaxis: { type: "category" }, yaxis2: { overlaying: "y", side: "right", range: [0, 1], tickformat: ".0%" } });
  draw("activity-chart", [{
    type: "scatter", mode: "lines", name: "people contributing",
    x: view.activity.map((a) => a.month + "-15"), y: view.activity.map((a) => a.active),
  }], {
    xaxis: { type: "date" },
    shapes: view.elections.map((day) => ({
      type: "line", xref: "x", yref: "paper", x0: day, x1: day, y0: 0, y1: 1, line: { dash: "dot", width: 1 },
    })),
    annotations: view.elections.map((day) => ({
      x: day, xref: "x", y: 1, yref: "paper", text: "election " + day.slice(0, 4), showarrow: false, yanchor: "bottom",
    })),
  });
})();
