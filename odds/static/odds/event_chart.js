/* Price movement charts of the event page (Chart.js, served from static files).
 *
 * Reads the series the page embeds with json_script ("odds-chart-data", built by
 * odds/admin/event_chart.py) and draws one step chart per market: colour = bookmaker,
 * line style = outcome, the consensus (median) in black. Above each chart the viewer
 * picks bookmakers (the page opens on the few most often best), one outcome, and
 * whether the y axis fits in-play prices too (by default it fits pre-match prices, so
 * an in-play spike to 101 does not flatten the pre-match movement). The x axis is
 * either time to scale or, for a few captures, one equal column per capture, so two
 * captures days apart do not sit at the chart's two edges. Axes are decimal odds.
 */
(function () {
  "use strict";

  // 20 colours far apart (Kelly's and Tableau's), so a page of 18 bookmakers does not
  // repeat one; the consensus is black.
  const PALETTE = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#7f7f7f", "#f3c300", "#875692", "#a1caf1", "#be0032",
    "#c2b280", "#008856", "#e68fac", "#0067a5", "#f99379", "#604e97",
  ];
  const CONSENSUS = "consensus";
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

  function colourOf(series) {
    return series.bookmaker === CONSENSUS ? "#000" : PALETTE[series.colour % PALETTE.length];
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

  /* How x values (epoch ms) are placed. "captures": capture i spans [i, i + 1], so each
   * price holds over one equal column; "time": to scale from the first capture, with
   * room after the last one so its change is not on the edge. */
  function xAxis(market, windowEnd) {
    const captures = market.captures;
    if (market.axis === "captures") {
      const index = new Map(captures.map((x, i) => [x, i]));
      const place = (x) => {
        if (index.has(x)) return index.get(x);
        let i = captures.findIndex((c) => c > x);
        if (i === -1) return captures.length;
        if (i === 0) return 0;
        return i - 1 + (x - captures[i - 1]) / (captures[i] - captures[i - 1]);
      };
      return {
        place,
        min: 0,
        max: captures.length,
        ticks: (axis) => {
          axis.ticks = captures.map((_, i) => ({ value: i }));
        },
        label: (value) => (captures[value] === undefined ? "" : utcLabel(captures[value], false)),
        tooltip: (value) => {
          const i = Math.min(Math.floor(value), captures.length - 1);
          return utcLabel(captures[i], true);
        },
        title: "captures (UTC), one column each",
      };
    }
    const first = captures.length ? captures[0] : windowEnd;
    const span = Math.max(windowEnd - first, HOUR);
    return {
      place: (x) => x,
      min: first,
      max: windowEnd + span * 0.04,
      ticks: timeTicks,
      label: (value) => utcLabel(value, false),
      tooltip: (value) => utcLabel(value, true),
      title: "captured (UTC)",
    };
  }

  function dataset(series, x, visible) {
    const colour = colourOf(series);
    const data = series.data.map((p) => ({ x: x.place(p.x), y: p.y }));
    const last = data[data.length - 1];
    if (last && last.y !== null && last.x < x.max) {
      data.push({ x: x.max, y: last.y }); // the price holds to the axis' end
    }
    const few = series.data.length <= 2;
    return {
      label: series.label,
      bookmaker: series.bookmaker,
      outcome: series.outcome,
      data,
      hidden: !visible,
      stepped: true, // a price holds until the next stored row
      spanGaps: false, // y: null where the market was gone
      borderColor: colour,
      backgroundColor: colour,
      borderDash: DASHES[series.dash % DASHES.length],
      borderWidth: series.bookmaker === CONSENSUS ? 2.5 : 1.5,
      pointRadius: few ? 4 : series.data.length > 60 ? 0 : 2,
      pointHoverRadius: 5,
    };
  }

  function yRange(scale) {
    if (!scale) return {};
    const spread = Math.max(scale.max - scale.min, 0.05);
    return { min: Math.max(1, scale.min - spread * 0.08), max: scale.max + spread * 0.08 };
  }

  // A dashed vertical line at a value of the x axis, with a label.
  function marker(id, colour, items) {
    return {
      id,
      afterDatasetsDraw(chart) {
        const x = chart.scales.x;
        const { top, bottom } = chart.chartArea;
        const ctx = chart.ctx;
        items.forEach((item, n) => {
          if (item.at < x.min || item.at > x.max) return;
          const px = x.getPixelForValue(item.at);
          ctx.save();
          ctx.strokeStyle = colour;
          ctx.setLineDash([6, 4]);
          ctx.beginPath();
          ctx.moveTo(px, top);
          ctx.lineTo(px, bottom);
          ctx.stroke();
          ctx.fillStyle = colour;
          ctx.font = "11px sans-serif";
          ctx.fillText(item.text, px + 4, top + 12 + (n % 2) * 12);
          ctx.restore();
        });
      },
    };
  }

  function control(tag, className) {
    const element = document.createElement(tag);
    element.className = className;
    return element;
  }

  function checkbox(labelText, checked, colour, onChange) {
    const label = control("label", "odds-chart-pick");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", () => onChange(box.checked));
    label.appendChild(box);
    if (colour) {
      const swatch = control("span", "odds-chart-swatch");
      swatch.style.background = colour;
      label.appendChild(swatch);
    }
    label.appendChild(document.createTextNode(labelText));
    return { label, box };
  }

  /* The controls above a chart: bookmakers (and the consensus), one outcome or all,
   * and whether the y axis fits in-play prices too. */
  function controls(chart, market, canvas) {
    const state = {
      books: new Set([...market.default_bookmakers, CONSENSUS]),
      outcome: "all",
    };
    const apply = () => {
      chart.data.datasets.forEach((ds, i) => {
        const outcome = state.outcome === "all" || ds.outcome === state.outcome;
        chart.setDatasetVisibility(i, state.books.has(ds.bookmaker) && outcome);
      });
      chart.update();
    };
    const panel = control("div", "odds-chart-controls");
    const books = control("fieldset", "odds-chart-books");
    books.setAttribute("aria-label", "bookmakers on the chart");
    const choices = [
      { key: CONSENSUS, name: "Consensus (median)", colour: "#000" },
      ...market.bookmakers.map((b) => ({ ...b, colour: PALETTE[b.colour % PALETTE.length] })),
    ];
    for (const book of choices) {
      const { label, box } = checkbox(book.name, state.books.has(book.key), book.colour, (on) => {
        if (on) state.books.add(book.key);
        else state.books.delete(book.key);
        apply();
      });
      box.dataset.bookmaker = book.key;
      books.appendChild(label);
    }
    panel.appendChild(books);
    if (market.outcomes.length > 1) {
      const bar = control("div", "odds-chart-outcomes");
      for (const outcome of ["all", ...market.outcomes]) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = outcome;
        button.dataset.outcome = outcome;
        button.className = outcome === "all" ? "selected" : "";
        button.addEventListener("click", () => {
          state.outcome = outcome;
          bar.querySelectorAll("button").forEach((b) => b.classList.remove("selected"));
          button.classList.add("selected");
          apply();
        });
        bar.appendChild(button);
      }
      panel.appendChild(bar);
    }
    const { pre_match: preMatch, all } = market.scale;
    if (preMatch && all && (preMatch.min !== all.min || preMatch.max !== all.max)) {
      const { label, box } = checkbox("y axis: include in-play prices", false, null, (on) => {
        Object.assign(chart.options.scales.y, yRange(on ? all : preMatch));
        chart.update();
      });
      box.className = "odds-chart-in-play";
      panel.appendChild(label);
    }
    canvas.parentElement.insertAdjacentElement("beforebegin", panel);
  }

  function drawMarket(canvas, market, windowEnd, kickoff) {
    const x = xAxis(market, windowEnd);
    const shown = new Set([...market.default_bookmakers, CONSENSUS]);
    // After the last capture the start has no column of its own: no marker then.
    const last = market.captures[market.captures.length - 1];
    const marks =
      market.axis === "captures" && kickoff > last ? [] : [{ at: x.place(kickoff), text: "start" }];
    const lines = market.lines.map((l) => ({ at: x.place(l.x), text: `line ${l.line}` }));
    const chart = new Chart(canvas, {
      type: "line",
      data: { datasets: market.datasets.map((s) => dataset(s, x, shown.has(s.bookmaker))) },
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
            min: x.min,
            max: x.max,
            afterBuildTicks: x.ticks,
            ticks: { callback: x.label },
            title: { display: true, text: x.title },
          },
          y: {
            ...yRange(market.scale.pre_match || market.scale.all),
            title: { display: true, text: "decimal odds" },
          },
        },
        plugins: {
          legend: {
            position: "bottom",
            labels: { boxWidth: 12, font: { size: 11 }, filter: (item) => !item.hidden },
          },
          tooltip: {
            callbacks: { title: (items) => x.tooltip(items[0].parsed.x) },
          },
        },
      },
      plugins: [marker("kickoff", "#ba2121", marks), marker("lines", "#555", lines.slice(1))],
    });
    controls(chart, market, canvas);
    const note = control("p", "help odds-chart-note");
    note.textContent = market.note;
    canvas.parentElement.insertAdjacentElement("afterend", note);
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
