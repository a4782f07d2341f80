/* Charts of the scraping health page: runs per day by status and errors per day by
 * type, as stacked bars, from the data the page embeds with json_script. */
(function () {
  "use strict";

  const PALETTE = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
  ];

  function stackedBars(canvas, chart, title) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels.map((day) => day.slice(5)),
        datasets: chart.datasets.map((ds, n) => ({
          label: ds.label,
          data: ds.data,
          backgroundColor: ds.colour || PALETTE[n % PALETTE.length],
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: {
          title: { display: true, text: title },
          legend: { position: "bottom", labels: { boxWidth: 12 } },
        },
      },
    });
  }

  function drawAll() {
    const source = document.getElementById("health-chart-data");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    stackedBars(document.getElementById("runs-chart"), data.runs, "Runs per day by status");
    stackedBars(document.getElementById("errors-chart"), data.errors, "Errors per day by type");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
