import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let bundle: string | undefined;

/**
 * chart.js's UMD build, ready to inline. Read once per process: rendering stays a pure function of the results
 * apart from this fixed dependency. The source-map comment is removed because a report opened from disk has no
 * .map beside it (and should name no other file), and `</script` is defused so the bundle can't end its own tag.
 */
export function chartJsBundle(): string {
  if (bundle !== undefined) return bundle;
  // resolve() gives dist/chart.cjs (the package's "require" export); the UMD build sits beside it.
  const entry = createRequire(import.meta.url).resolve('chart.js');
  const text = readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
  const cleaned = text.replace(/^[ \t]*\/\/[#@]\s*sourceMappingURL=.*$/gm, '').replace(/<\/script/gi, '<\\/script');
  if (cleaned.includes('<!--')) throw new Error('chart.js bundle contains "<!--", which cannot be inlined safely');
  bundle = cleaned;
  return bundle;
}

/**
 * The browser half: turns the chart descriptions of charts.ts into chart.js charts. Plain ES5-ish JavaScript
 * in a string (not a compiled function) so that no build tool helper can leak into the page.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('pushbench-charts').textContent);
  if (typeof Chart === 'undefined') return;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#334155';
  Chart.defaults.borderColor = '#e2e8f0';
  // A report is read, printed and screenshotted: bars that are still growing help none of that.
  Chart.defaults.animation = false;

  // Same spelling as the tables: fixed decimals on values, trimmed ones on axis ticks.
  function fmt(value, decimals, trim) {
    if (value === null || value === undefined || !isFinite(value)) return '—';
    var d = Math.abs(value) >= 10 ? Math.min(decimals, 1) : decimals;
    if (Math.abs(value) >= 1000) d = 0;
    return value.toLocaleString('en-US', { minimumFractionDigits: trim ? 0 : d, maximumFractionDigits: d });
  }

  // A log axis gets a tick at every integer multiple of each power of ten. The y axis labels the powers of ten
  // alone (1, 10, 100, 1,000: a scale read at a glance); a sweep's x axis also 2 and 5, where its points sit.
  function tick(value, spec) {
    if (!spec.logY) return fmt(value, spec.decimals, true);
    if (!(value > 0)) return '';
    var mantissa = Math.round(value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9)));
    var labelled = spec.decadesOnly ? mantissa === 1 : mantissa === 1 || mantissa === 2 || mantissa === 5;
    return labelled ? fmt(value, 3, true) : '';
  }

  var patterns = {};
  // "stripe:<colour>" marks run B of a comparison: the strategy's colour, hatched.
  function paint(color) {
    if (typeof color !== 'string' || color.indexOf('stripe:') !== 0) return color;
    if (patterns[color]) return patterns[color];
    var tile = document.createElement('canvas');
    tile.width = 8;
    tile.height = 8;
    var g = tile.getContext('2d');
    g.fillStyle = color.slice(7);
    g.fillRect(0, 0, 8, 8);
    g.strokeStyle = 'rgba(255, 255, 255, 0.7)';
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(-2, 10); g.lineTo(10, -2);
    g.moveTo(-2, 2); g.lineTo(2, -2);
    g.moveTo(6, 10); g.lineTo(10, 6);
    g.stroke();
    patterns[color] = g.createPattern(tile, 'repeat');
    return patterns[color];
  }
  function paintAll(color) {
    return Array.isArray(color) ? color.map(paint) : paint(color);
  }

  var valueLabels = {
    id: 'pushbenchValueLabels',
    afterDatasetsDraw: function (chart, _args, opts) {
      if (!opts || opts.mode === 'none') return;
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = '600 11px ' + Chart.defaults.font.family;
      ctx.fillStyle = '#1e293b';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      var bars = chart.data.datasets
        .map(function (ds, i) { return { ds: ds, i: i }; })
        .filter(function (d) { return d.ds.type === 'bar' && chart.isDatasetVisible(d.i); });
      if (opts.mode === 'totals') {
        chart.data.labels.forEach(function (_label, index) {
          var sum = 0, top = Infinity, x = null;
          bars.forEach(function (d) {
            var v = d.ds.data[index];
            if (v === null || v === undefined) return;
            var el = chart.getDatasetMeta(d.i).data[index];
            sum += v;
            top = Math.min(top, el.y);
            x = el.x;
          });
          if (x !== null) ctx.fillText(fmt(sum, opts.decimals) + opts.unit, x, top - 4);
        });
      } else {
        bars.forEach(function (d) {
          chart.getDatasetMeta(d.i).data.forEach(function (el, index) {
            var v = d.ds.data[index];
            if (v === null || v === undefined) return;
            var text = fmt(v, opts.decimals);
            // Labels wider than their bar would run into the neighbours' (many bars in a comparison): try a
            // smaller font, else leave the number to the tooltip and the tables.
            ctx.font = '600 11px ' + Chart.defaults.font.family;
            if (ctx.measureText(text).width > el.width + 1) ctx.font = '600 9px ' + Chart.defaults.font.family;
            if (ctx.measureText(text).width > el.width + 1) return;
            ctx.fillText(text, el.x, el.y - 4);
          });
        });
      }
      ctx.restore();
    }
  };

  function legendOptions(spec) {
    if (spec.legend === 'none') return { display: false };
    // Point styles let a reference line show as a diamond beside the square swatches of the bars.
    var base = {
      position: 'bottom',
      labels: {
        usePointStyle: true, pointStyleWidth: 14, padding: 18,
        // Reference lines are drawn on top (lowest order) but belong at the end of the legend.
        sort: function (a, b) { return a.datasetIndex - b.datasetIndex; },
        // The unnamed dataset is the gap before the reference peers: nothing to explain.
        filter: function (item) { return item.text !== ''; }
      }
    };
    if (spec.legend === 'datasets') return base;
    // Bars coloured by strategy: the legend explains the shades, which chart.js cannot derive itself.
    base.labels.generateLabels = function () {
      return spec.legend.map(function (item) {
        return {
          text: item.text, fillStyle: item.color, strokeStyle: item.color, lineWidth: 0, hidden: false,
          pointStyle: item.line ? 'rectRot' : 'rect'
        };
      });
    };
    base.onClick = function () {};
    return base;
  }

  specs.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    canvas.parentNode.style.height = spec.height + 'px';
    var suffix = spec.unit ? ' ' + spec.unit : '';
    var sweep = !!spec.x;
    new Chart(canvas, {
      type: sweep ? 'line' : 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (ds) {
          var line = ds.type === 'line';
          // A sweep is drawn as solid lines through its points; a model marker as a point without a line.
          if (sweep || ds.pointsOnly) {
            return {
              type: 'line', label: ds.label, data: sweep ? ds.xy : ds.data, backgroundColor: paintAll(ds.color),
              borderColor: ds.color, borderWidth: 2, showLine: sweep && !ds.pointsOnly, pointRadius: ds.pointsOnly ? 6 : 4,
              pointStyle: ds.pointsOnly ? 'rectRot' : 'circle', order: 0, spanGaps: true
            };
          }
          return {
            type: ds.type,
            label: ds.label,
            data: ds.data,
            stack: ds.stack,
            backgroundColor: paintAll(ds.color),
            borderColor: line ? ds.color : 'transparent',
            borderWidth: line ? 2 : 0,
            borderDash: line ? [6, 4] : undefined,
            pointRadius: line ? 4 : undefined,
            pointStyle: line ? 'rectRot' : 'rect',
            borderRadius: line ? undefined : 3,
            maxBarThickness: 72,
            order: line ? 0 : 1
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: { top: 22 } },
        interaction: { mode: 'nearest', intersect: true },
        scales: {
          x: sweep
            ? {
                type: spec.x.log ? 'logarithmic' : 'linear',
                title: { display: true, text: spec.x.title },
                ticks: { callback: function (v) { return tick(Number(v), { logY: spec.x.log, decimals: 2 }) + (spec.x.unit ? ' ' + spec.x.unit : ''); } }
              }
            : { stacked: spec.stacked, grid: { display: false } },
          y: {
            type: spec.logY ? 'logarithmic' : 'linear',
            stacked: spec.stacked,
            beginAtZero: !spec.logY,
            min: spec.yMin === null ? undefined : spec.yMin,
            // Head room for the value labels above the tallest bar.
            grace: spec.logY ? undefined : '8%',
            title: { display: true, text: spec.yTitle },
            // Every log tick is kept (most have no label): skipping ticks could drop a power of ten's label.
            ticks: { autoSkip: !spec.logY, callback: function (v) { return tick(Number(v), { logY: spec.logY, decimals: spec.decimals, decadesOnly: true }); } }
          }
        },
        plugins: {
          legend: legendOptions(spec),
          tooltip: {
            callbacks: {
              label: function (item) {
                // A sweep's point is {x, y}: the value is its y.
                var value = sweep ? item.parsed.y : item.raw;
                return ' ' + item.dataset.label + ': ' + fmt(value, spec.decimals) + suffix;
              }
            }
          },
          pushbenchValueLabels: { mode: spec.valueLabels, decimals: spec.decimals, unit: suffix }
        }
      },
      plugins: [valueLabels]
    });
  });
})();
`;
