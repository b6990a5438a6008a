/* The statistics page's charts (templates/statistics/), drawn with the vendored Apache ECharts.
 *
 * Each <div data-chart="kind" data-source="id"> is drawn from the report's dict that the server wrote
 * into <script type="application/json" id="id"> (json_script): the same dict as the API's and as the
 * table beside the chart, so chart and table cannot disagree. The words come from #stat-labels, in the
 * reader's language; numbers are written the portal's way (window.PortalNumbers: 1.234,5 in Vietnamese).
 * Tooltips are drawn on the canvas (renderMode "richText"): ECharts' HTML tooltips write style
 * attributes, which the Content Security Policy refuses. */
(function () {
  "use strict";

  var COLORS = {
    green: "#2e8b57", yellow: "#e0a800", red: "#c0392b", unassessed: "#9aa5b1",
    median: "#14507f", p90: "#7fa7c9", clearanceMedian: "#3a7d44", clearanceP90: "#9cc8a4",
    assessed: "#0f3d64", paid: "#e3b23c",
    taxes: ["#14507f", "#5b8fbd", "#e3b23c", "#3a7d44", "#8e6c8a", "#c0392b"],
    ages: ["#9cc8a4", "#e3b23c", "#e07b39", "#c0392b"]
  };
  var TAXES = ["import_duty", "export_duty", "special_consumption_tax", "environmental_tax", "vat"];
  var AGES = ["under_1_day", "1_to_3_days", "3_to_7_days", "over_7_days"];
  var CHANNELS = ["green", "yellow", "red", "unassessed"];

  var labels = {};
  var lang = "vi";
  var font = "sans-serif";

  function number(value, places) {
    if (value === null || value === undefined || value === "" || !isFinite(value)) {
      return "—";
    }
    var numbers = window.PortalNumbers;
    var text = places === undefined ? String(value) : Number(value).toFixed(places);
    return numbers.format(numbers.fromString(text), lang, places);
  }

  function percentOf(part, whole) {
    return whole ? Math.round(part * 1000 / whole) / 10 : 0;
  }

  /* What the charts share: legend on top, axis tooltips on the canvas, numbers the portal's way. */
  function base(options, places) {
    var common = {
      aria: { enabled: false },  // the table beside each chart is the accessible form of its figures
      animationDuration: 300,
      textStyle: { fontFamily: font },
      legend: { top: 0, type: "scroll" },
      grid: { left: 12, right: 20, top: 44, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis", renderMode: "richText", confine: true,
        valueFormatter: function (value) { return number(value, places); }
      }
    };
    Object.keys(options).forEach(function (key) { common[key] = options[key]; });
    if (common.xAxis && common.xAxis.nameLocation === "middle") {
      common.grid = Object.assign({}, common.grid, { bottom: 34 });  // room for the axis's name under it
    }
    return common;
  }

  /* A value axis; `horizontal` ones (bars lying down) have their name under the axis, in the middle. */
  function valueAxis(name, places, extra, horizontal) {
    var axis = {
      type: "value", name: name || "",
      axisLabel: { formatter: function (value) { return number(value, places); } }
    };
    if (horizontal) {
      axis.nameLocation = "middle";
      axis.nameGap = 26;
    } else {
      axis.nameTextStyle = { align: "left" };
    }
    Object.keys(extra || {}).forEach(function (key) { axis[key] = extra[key]; });
    return axis;
  }

  function categoryAxis(names, extra) {
    var axis = { type: "category", data: names, axisLabel: { hideOverlap: true } };
    Object.keys(extra || {}).forEach(function (key) { axis[key] = extra[key]; });
    return axis;
  }

  function hoursOf(summary, duration, which) {
    var d = summary.durations[duration];
    return d ? d[which + "_hours"] : null;
  }

  /* Horizontal charts grow with their rows so that every label can be read. */
  function fitHeight(element, rows, perRow, least) {
    element.style.height = Math.max(least || 260, 70 + rows * (perRow || 26)) + "px";
  }

  // --- Release times ------------------------------------------------------------------------------

  function releaseRows(data) {
    var rows = data.groups.map(function (g) { return { label: g.label, summary: g }; });
    if (data.comparison) {
      rows.push({ label: labels.total, summary: data.all });
      rows.push({ label: labels.comparison, summary: data.comparison });
    }
    return rows;
  }

  function releaseSeries(rows, duration, colors) {
    var name = labels.durations[duration];
    return ["median", "p90"].map(function (which, i) {
      return {
        name: name + ": " + labels[which], type: "bar", itemStyle: { color: colors[i] },
        data: rows.map(function (row) { return hoursOf(row.summary, duration, which); })
      };
    });
  }

  var CHARTS = {};

  CHARTS["release-groups"] = function (data) {
    var rows = releaseRows(data);
    if (!rows.length) {
      return null;
    }
    return base({
      xAxis: categoryAxis(rows.map(function (r) { return r.label; })),
      yAxis: valueAxis(labels.hours, 1),
      series: releaseSeries(rows, "to_clearance", [COLORS.clearanceMedian, COLORS.clearanceP90])
        .concat(releaseSeries(rows, "to_release", [COLORS.median, COLORS.p90]))
    }, 1);
  };

  CHARTS["release-trend"] = function (data) {
    if (!data.groups.length) {
      return null;
    }
    var line = function (duration, which, color, dashed) {
      return {
        name: labels.durations[duration] + ": " + labels[which], type: "line", symbolSize: 6,
        itemStyle: { color: color }, lineStyle: dashed ? { type: "dashed" } : {}, connectNulls: true,
        data: data.groups.map(function (g) { return hoursOf(g, duration, which); })
      };
    };
    return base({
      xAxis: categoryAxis(data.groups.map(function (g) { return g.label; })),
      yAxis: valueAxis(labels.hours, 1),
      series: [line("to_release", "median", COLORS.median), line("to_release", "p90", COLORS.p90, true),
               line("to_clearance", "median", COLORS.clearanceMedian), line("to_clearance", "p90", COLORS.clearanceP90, true)]
    }, 1);
  };

  // --- Channel mix --------------------------------------------------------------------------------

  CHARTS["mix-shares"] = function (data, element) {
    var rows = data.groups.map(function (g) { return { label: g.label, counts: g.counts }; });
    rows.push({ label: labels.total, counts: data.counts });
    if (data.comparison) {
      rows.push({ label: labels.comparison, counts: data.comparison.counts });
    }
    fitHeight(element, rows.length, 30, 200);
    var counts = {};
    var series = CHANNELS.map(function (channel) {
      counts[labels.channels[channel]] = rows.map(function (r) { return r.counts[channel]; });
      return {
        name: labels.channels[channel], type: "bar", stack: "mix", itemStyle: { color: COLORS[channel] },
        data: rows.map(function (r) { return percentOf(r.counts[channel], r.counts.total); })
      };
    });
    var options = base({
      yAxis: categoryAxis(rows.map(function (r) { return r.label; }), { inverse: true }),
      xAxis: valueAxis(labels.share, 0, { max: 100 }, true),
      series: series
    }, 1);
    options.tooltip.valueFormatter = undefined;
    options.tooltip.formatter = function (params) {
      var lines = [params[0].name];
      params.forEach(function (p) {
        lines.push(p.seriesName + ": " + number(counts[p.seriesName][p.dataIndex], 0) + " (" + number(p.value, 1) + " %)");
      });
      return lines.join("\n");
    };
    return options;
  };

  CHARTS["mix-caps"] = function (data) {
    var groups = data.groups.filter(function (g) { return g.caps; });
    if (!groups.length) {
      return null;
    }
    var bar = function (name, color, values, faded) {
      return { name: name, type: "bar", data: values, itemStyle: faded ? { color: "#fff", borderColor: color, borderWidth: 2 } : { color: color } };
    };
    return base({
      legend: { top: 0 },
      grid: { left: 12, right: 20, top: 72, bottom: 8, containLabel: true },
      xAxis: categoryAxis(groups.map(function (g) { return g.label; })),
      yAxis: valueAxis("%", 0),
      series: [
        bar(labels.yellow_counted_short, COLORS.yellow, groups.map(function (g) { return g.shares.yellow_counted_percent; })),
        bar(labels.yellow_cap, COLORS.yellow, groups.map(function (g) { return g.caps.yellow_percent; }), true),
        bar(labels.red_counted_short, COLORS.red, groups.map(function (g) { return g.shares.red_counted_percent; })),
        bar(labels.red_cap, COLORS.red, groups.map(function (g) { return g.caps.red_percent; }), true)
      ]
    }, 1);
  };

  // --- Hit rates ----------------------------------------------------------------------------------

  CHARTS["hit-rates"] = function (data, element) {
    var rows = [
      { label: labels.all_checks, rate: data.all }, { label: labels.physical, rate: data.physical },
      { label: labels.documentary, rate: data.documentary }, { label: labels.random, rate: data.random_selection }
    ].concat(data.rules.map(function (rule) { return { label: rule.name, rate: rule }; }));
    fitHeight(element, rows.length, 26, 220);
    var options = base({
      legend: { show: false },
      grid: { left: 12, right: 40, top: 24, bottom: 8, containLabel: true },
      yAxis: categoryAxis(rows.map(function (r) { return r.label; }), {
        inverse: true, axisLabel: { width: 320, overflow: "truncate" }
      }),
      xAxis: valueAxis(labels.hit_rate, 0, {
        minInterval: 1, max: function (extent) { return Math.max(5, Math.ceil(extent.max * 1.15)); }
      }, true),
      series: [{
        name: labels.hit_rate, type: "bar", itemStyle: { color: COLORS.median },
        label: { show: true, position: "right", formatter: function (p) { return number(p.value, 2) + " %"; } },
        data: rows.map(function (r) { return r.rate.hit_rate === null ? null : Math.round(parseFloat(r.rate.hit_rate) * 10000) / 100; })
      }]
    }, 2);
    options.tooltip.valueFormatter = undefined;
    options.tooltip.formatter = function (params) {
      var row = rows[params[0].dataIndex];
      return row.label + "\n" + labels.hit_rate + ": " + number(params[0].value, 2) + "\n" +
        labels.checks + ": " + number(row.rate.checked, 0) + ", " + labels.found + ": " + number(row.rate.found, 0);
    };
    return options;
  };

  // --- Revenue ------------------------------------------------------------------------------------

  /* Money axes in the unit that suits the largest amount (billion, million dong or dong). */
  function moneyUnit(values) {
    var largest = Math.max.apply(null, [0].concat(values));
    if (largest >= 1e9) {
      return { divisor: 1e9, name: labels.billion_vnd, places: 1 };
    }
    if (largest >= 1e6) {
      return { divisor: 1e6, name: labels.million_vnd, places: 1 };
    }
    return { divisor: 1, name: labels.vnd, places: 0 };
  }

  CHARTS["revenue-groups"] = function (data) {
    var groups = data.groups;
    if (!groups.length) {
      return null;
    }
    var unit = moneyUnit(groups.map(function (g) { return Math.max(g.assessed.total, g.paid.total); }));
    var scaled = function (v) { return v / unit.divisor; };
    var series = TAXES.concat(["late_interest"]).map(function (tax, i) {
      return {
        name: tax === "late_interest" ? labels.late_interest : labels.taxes[tax], type: "bar", stack: "paid",
        itemStyle: { color: COLORS.taxes[i] }, data: groups.map(function (g) { return scaled(g.paid[tax]); })
      };
    });
    series.push({
      name: labels.assessed_total, type: "line", symbolSize: 5, itemStyle: { color: COLORS.assessed }, lineStyle: { type: "dashed" },
      data: groups.map(function (g) { return scaled(g.assessed.total); })
    });
    return base({
      legend: { top: 0 },
      grid: { left: 12, right: 20, top: 64, bottom: 8, containLabel: true },
      xAxis: categoryAxis(groups.map(function (g) { return g.label; })),
      yAxis: valueAxis(unit.name, unit.places),
      series: series
    }, unit.places + (unit.divisor > 1 ? 2 : 0));
  };

  CHARTS["revenue-taxes"] = function (data) {
    var names = TAXES.map(function (tax) { return labels.taxes[tax]; }).concat([labels.late_interest]);
    var assessed = TAXES.map(function (tax) { return data.assessed[tax]; }).concat([data.late_interest.charged]);
    var paid = TAXES.map(function (tax) { return data.paid[tax]; }).concat([data.paid.late_interest]);
    var unit = moneyUnit(assessed.concat(paid));
    var scaled = function (v) { return v / unit.divisor; };
    return base({
      grid: { left: 12, right: 20, top: 44, bottom: 8, containLabel: true },
      yAxis: categoryAxis(names, { inverse: true, axisLabel: { width: 130, overflow: "truncate" } }),
      xAxis: valueAxis(unit.name, unit.places, {}, true),
      series: [
        { name: labels.assessed, type: "bar", itemStyle: { color: COLORS.assessed }, data: assessed.map(scaled) },
        { name: labels.paid, type: "bar", itemStyle: { color: COLORS.paid }, data: paid.map(scaled) }
      ]
    }, unit.places + (unit.divisor > 1 ? 2 : 0));
  };

  // --- Workload -----------------------------------------------------------------------------------

  CHARTS["workload-offices"] = function (data) {
    var offices = data.offices;
    if (!offices.length) {
      return null;
    }
    var options = base({
      xAxis: categoryAxis(offices.map(function (o) { return o.key; })),
      yAxis: valueAxis(labels.open, 0, { minInterval: 1 }),
      series: AGES.map(function (band, i) {
        return {
          name: labels.ages[band], type: "bar", stack: "age", itemStyle: { color: COLORS.ages[i] },
          data: offices.map(function (o) { return o.age[band]; })
        };
      })
    }, 0);
    options.tooltip.valueFormatter = undefined;
    options.tooltip.formatter = function (params) {
      var office = offices[params[0].dataIndex];
      return [office.key + " " + office.label].concat(params.map(function (p) {
        return p.seriesName + ": " + number(p.value, 0);
      })).join("\n");
    };
    return options;
  };

  CHARTS["workload-officers"] = function (data, element) {
    var officers = data.officers;
    if (!officers.length) {
      return null;
    }
    fitHeight(element, officers.length, 34, 260);
    return base({
      yAxis: categoryAxis(officers.map(function (o) { return o.label; }), { inverse: true }),
      xAxis: valueAxis("", 0, { minInterval: 1 }, true),
      series: [
        { name: labels.open, type: "bar", itemStyle: { color: COLORS.red }, data: officers.map(function (o) { return o.open; }) },
        { name: labels.decisions, type: "bar", itemStyle: { color: COLORS.median }, data: officers.map(function (o) { return o.decisions; }) }
      ]
    }, 0);
  };

  CHARTS["workload-days"] = function (data) {
    var days = data.decisions_by_day;
    if (!days.length) {
      return null;
    }
    return base({
      legend: { show: false },
      grid: { left: 8, right: 12, top: 28, bottom: 8, containLabel: true },
      xAxis: categoryAxis(days.map(function (d) { return window.PortalNumbers.formatDate(d.key).slice(0, 5); })),
      yAxis: valueAxis(labels.decisions, 0, { minInterval: 1 }),
      series: [{ name: labels.decisions, type: "bar", itemStyle: { color: COLORS.median },
                 data: days.map(function (d) { return d.decisions; }) }]
    }, 0);
  };

  // --- Drawing ------------------------------------------------------------------------------------

  var drawn = [];

  function draw(element) {
    var make = CHARTS[element.dataset.chart];
    var source = document.getElementById(element.dataset.source);
    if (!make || !source) {
      return;
    }
    var options = make(JSON.parse(source.textContent), element);
    if (!options) {
      element.hidden = true;  // nothing to draw: the table says so
      element.dataset.drawn = "empty";
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(options);
    element.dataset.drawn = "true";
    drawn.push(chart);
  }

  function start() {
    var words = document.getElementById("stat-labels");
    if (!window.echarts || !words) {
      return;
    }
    labels = JSON.parse(words.textContent);
    font = window.getComputedStyle(document.body).fontFamily || font;
    lang = window.PortalNumbers.language();
    document.querySelectorAll("[data-chart]").forEach(draw);
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { drawn.forEach(function (chart) { chart.resize(); }); }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
