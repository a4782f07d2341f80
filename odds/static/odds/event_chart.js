/* Price movement charts of the event page (Chart.js, served from static files).
 *
 * Reads the series the page embeds with json_script ("odds-chart-data") and draws one
 * step chart per market: one line per bookmaker and outcome (colour = bookmaker,
 * dash = outcome). The x axis is linear in epoch milliseconds with UTC tick labels, so
 * no date adapter is needed.
 */
(function () {
  "use strict";

  const PALETTE = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
  ];
  const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function utcLabel(ms, withYear) {
    const d = new Date(ms);
    const day = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    return withYear ? `${d.getUTCFullYear()}-${day} ${time} UTC` : `${day} ${time}`;
  }

  function dataset(series) {
    const colour = PALETTE[series.colour % PALETTE.length];
    const dense = series.data.length > 60;
    return {
      label: series.label,
      outcome: series.outcome,
      data: series.data,
      stepped: true, // a price holds until the next stored row
      spanGaps: false, // y: null where the market was gone
      borderColor: colour,
      backgroundColor: colour,
      borderDash: DASHES[series.dash % DASHES.length],
      borderWidth: 1.5,
      pointRadius: dense ? 0 : 2,
      pointHoverRadius: 4,
    };
  }

  const HOUR = 3600 * 1000;
  const STEPS = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 168 * HOUR];

  // Ticks on whole UTC hours/days (at most 8), not at the odd values a linear axis picks.
  function timeTicks(axis) {
    const span = axis.max - axis.min;
    const minutes = [5, 10, 15, 30].map((m) => m * 60 * 1000);
    const step = [...minutes, ...STEPS].find((s) => span / s <= 8) || STEPS[STEPS.length - 1];
    const ticks = [];
    for (let t = Math.ceil(axis.min / step) * step; t <= axis.max; t += step) {
      ticks.push({ value: t });
    }
    axis.ticks = ticks;
  }

  function xRange(market, windowEnd) {
    let first = windowEnd;
    for (const series of market.datasets) {
      if (series.data.length && series.data[0].x < first) {
        first = series.data[0].x;
      }
    }
    return { min: first, max: windowEnd };
  }

  // Buttons above a chart that show one outcome's lines (prices of different outcomes
  // can be far apart, e.g. a favourite at 1.2 and an outsider at 6.0).
  function outcomeButtons(chart, market, canvas) {
    const outcomes = market.outcomes;
    if (outcomes.length < 2) {
      return;
    }
    const bar = document.createElement("div");
    bar.className = "odds-chart-outcomes";
    for (const outcome of ["all", ...outcomes]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = outcome;
      button.dataset.outcome = outcome;
      button.className = outcome === "all" ? "selected" : "";
      button.addEventListener("click", () => {
        chart.data.datasets.forEach((ds, i) => {
          chart.setDatasetVisibility(i, outcome === "all" || ds.outcome === outcome);
        });
        chart.update();
        bar.querySelectorAll("button").forEach((b) => b.classList.remove("selected"));
        button.classList.add("selected");
      });
      bar.appendChild(button);
    }
    canvas.parentElement.insertAdjacentElement("beforebegin", bar);
  }

  // A dashed vertical line at the event's start: prices right of it were seen in play.
  function kickoffLine(kickoff) {
    return {
      id: "kickoff",
      afterDatasetsDraw(chart) {
        const x = chart.scales.x;
        if (kickoff < x.min || kickoff > x.max) {
          return;
        }
        const px = x.getPixelForValue(kickoff);
        const { top, bottom } = chart.chartArea;
        const ctx = chart.ctx;
        ctx.save();
        ctx.strokeStyle = "#ba2121";
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(px, top);
        ctx.lineTo(px, bottom);
        ctx.stroke();
        ctx.fillStyle = "#ba2121";
        ctx.font = "11px sans-serif";
        ctx.fillText("start", px + 4, top + 12);
        ctx.restore();
      },
    };
  }

  function drawMarket(canvas, market, windowEnd, kickoff) {
    const range = xRange(market, windowEnd);
    const chart = new Chart(canvas, {
      type: "line",
      data: { datasets: market.datasets.map(dataset) },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: {
            type: "linear",
            min: range.min,
            max: range.max,
            afterBuildTicks: timeTicks,
            ticks: { callback: (value) => utcLabel(value, false) },
            title: { display: true, text: "captured (UTC)" },
          },
          y: { title: { display: true, text: "decimal odds" } },
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, font: { size: 11 } } },
          tooltip: {
            callbacks: { title: (items) => utcLabel(items[0].parsed.x, true) },
          },
        },
      },
      plugins: [kickoffLine(kickoff)],
    });
    outcomeButtons(chart, market, canvas);
    return chart;
  }

  function drawAll() {
    const source = document.getElementById("odds-chart-data");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    for (const market of data.markets) {
      const canvas = document.querySelector(`canvas.odds-chart[data-market="${market.id}"]`);
      if (canvas) {
        drawMarket(canvas, market, data.window.end, data.kickoff);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
