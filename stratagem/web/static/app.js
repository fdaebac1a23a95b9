// The scenario page's "Run" panel: start a job through the JSON API, poll its progress,
// then show the numbers and the charts. Text from the server is inserted with textContent
// only (never innerHTML), and every POST carries the CSRF token from the page's meta tag.
(function () {
  "use strict";
  var form = document.getElementById("run-form");
  if (!form) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var bar = document.getElementById("job-progress");
  var status = document.getElementById("job-status");
  var results = document.getElementById("results");
  var button = document.getElementById("run");
  var cancel = document.getElementById("cancel-job");
  var current = null;  // the id of the job being polled

  // the stylesheet gives buttons a display of their own, so the hidden attribute alone would not hide it
  function showCancel(on) { cancel.hidden = !on; cancel.style.display = on ? "" : "none"; }
  function idle() { bar.hidden = true; button.disabled = false; showCancel(false); current = null; }
  showCancel(false);

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function fmt(x, d) { return (x === null || x === undefined) ? "-" : Number(x).toFixed(d === undefined ? 1 : d); }

  function table(head, rows, id) {
    var t = el("table"); if (id) { t.id = id; }
    var tr = el("tr");
    head.forEach(function (h, i) { tr.appendChild(el("th", h, i ? "num" : "")); });
    var thead = el("thead"); thead.appendChild(tr); t.appendChild(thead);
    var body = el("tbody");
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c, i) { row.appendChild(el("td", c, i ? "num" : "")); });
      body.appendChild(row);
    });
    t.appendChild(body);
    return t;
  }

  function chart(key, figure) {
    var div = el("div", null, "chart"); div.id = "result-" + key;
    results.appendChild(div);
    Plotly.newPlot(div, figure.data, figure.layout, {responsive: true, displaylogo: false});
  }

  function showForecast(r) {
    results.textContent = "";
    results.appendChild(el("h2", "Forecast" + (r.shocks.length ? " under " + r.shocks.join(" + ") : "")));
    var head = ["issue", "status quo"].concat(r.engines);
    var rows = r.issues.map(function (issue, k) {
      return [issue.name, fmt(issue.status_quo)].concat(r.engines.map(function (e) {
        var value = fmt(r.forecasts[e].issues[k].forecast) + (r.forecasts[e].issues[k].cycle ? "*" : "");
        if (r.baseline) { value += " (" + (r.forecasts[e].issues[k].forecast - r.baseline[e].issues[k].forecast >= 0 ? "+" : "") +
          fmt(r.forecasts[e].issues[k].forecast - r.baseline[e].issues[k].forecast) + ")"; }
        return value;
      }));
    });
    results.appendChild(table(head, rows, "forecast-table"));
    if (r.baseline) { results.appendChild(el("p", "In brackets: change against the baseline without the shocks.", "note")); }
    r.engines.forEach(function (e) {
      var f = r.forecasts[e];
      if (!f.rounds) { return; }
      var reasons = f.issues.map(function (i) { return i.stop_reason; }).filter(function (v, i, a) { return a.indexOf(v) === i; });
      var text = e + ": " + f.rounds + " rounds (" + reasons.join(", ") + ")";
      f.issues.forEach(function (i) {
        if (i.cycle) {
          var where = " with period " + i.cycle.period + " from round " + i.cycle.start;
          text += "; " + i.id + (fmt(i.cycle.low) === fmt(i.cycle.high)
            ? ": positions cycle" + where + ", the forecast stays at " + fmt(i.cycle.low)
            : " cycles" + where + ": forecast* = mean over the cycle, range " + fmt(i.cycle.low) + "-" + fmt(i.cycle.high)) +
            " (" + i.label + ")";
        }
      });
      results.appendChild(el("p", text, "note"));
    });
    chart("engines", r.figures.engines);
    r.issues.forEach(function (issue) { chart("map-" + issue.id, r.figures["map-" + issue.id]); });
    r.issues.forEach(function (issue) { chart("trajectory-" + issue.id, r.figures["trajectory-" + issue.id]); });
  }

  function showEnsemble(r) {
    results.textContent = "";
    var e = r.ensemble;
    results.appendChild(el("h2", "Forecast distribution: " + e.draws + " draws, " + e.engines.join(", ")));
    function rows(summary) {
      return summary.issues.map(function (s) {
        var best = Object.keys(s.bands).reduce(function (a, b) { return s.bands[a] >= s.bands[b] ? a : b; }, "");
        return [s.name, fmt(s.median), fmt(s.p25, 0) + "-" + fmt(s.p75, 0), fmt(s.p10, 0) + "-" + fmt(s.p90, 0),
          fmt(s.p05, 0) + "-" + fmt(s.p95, 0), best ? best + " (" + Math.round(100 * s.bands[best]) + "%)" : ""];
      });
    }
    var head = ["issue", "median", "50%", "80%", "90%", "most likely band"];
    results.appendChild(table(head, rows(e), "ensemble-table"));
    if (r.shocked) {
      results.appendChild(el("h3", "Under " + r.shocks.join(" + ")));
      results.appendChild(table(head, rows(r.shocked), "shocked-table"));
      chart("shocks", r.figures.shocks);
    }
    chart("intervals", r.figures.intervals);
    chart("bands", r.figures.bands);
    e.issues.forEach(function (s) { chart("histogram-" + s.id, r.figures["histogram-" + s.id]); });
  }

  function poll(id) {
    fetch("/api/jobs/" + encodeURIComponent(id), {headers: {"Accept": "application/json"}})
      .then(function (resp) { return resp.json(); })
      .then(function (job) {
        bar.value = job.progress;
        status.textContent = job.state + (job.message ? ": " + job.message : "");
        if (current !== id) { return; }  // cancelled meanwhile
        if (job.state === "done") {
          idle();
          status.textContent = "done";
          if (job.result.kind === "forecast") { showForecast(job.result); } else { showEnsemble(job.result); }
          form.setAttribute("data-done", id);
        } else if (job.state === "failed" || job.state === "cancelled") {
          idle();
          status.textContent = job.state === "failed" ? "failed: " + job.error : "cancelled";
        } else {
          window.setTimeout(function () { poll(id); }, 250);
        }
      })
      .catch(function (err) { idle(); status.textContent = "error: " + err; });
  }

  cancel.addEventListener("click", function () {
    var id = current;
    if (!id) { return; }
    fetch("/api/jobs/" + encodeURIComponent(id), {method: "DELETE", headers: {"X-CSRF-Token": token}})
      .then(function (resp) { return resp.json(); })
      .then(function () { idle(); status.textContent = "cancelled"; })
      .catch(function (err) { status.textContent = "error: " + err; });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var body = {
      kind: data.get("kind"), draws: parseInt(data.get("draws"), 10) || 500,
      seed: parseInt(data.get("seed"), 10) || 0, engines: data.getAll("engines"), shocks: data.getAll("shocks")
    };
    button.disabled = true; bar.hidden = false; bar.value = 0; status.textContent = "starting";
    fetch("/api/scenarios/" + encodeURIComponent(form.getAttribute("data-scenario")) + "/jobs", {
      method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": token}, body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().then(function (json) { return {ok: resp.ok, json: json}; });
    }).then(function (r) {
      if (!r.ok) {
        button.disabled = false; bar.hidden = true;
        status.textContent = "error: " + (typeof r.json.detail === "string" ? r.json.detail : JSON.stringify(r.json.detail));
        return;
      }
      current = r.json.id; showCancel(true);
      poll(r.json.id);
    }).catch(function (err) { button.disabled = false; status.textContent = "error: " + err; });
  });
})();
