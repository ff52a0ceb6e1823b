/*
 * burnrate status page: polls /api/slos and /api/slos/NAME/history (relative to
 * this page) and draws them with uPlot. Plain script, no build step, nothing
 * loaded from another host. `?poll=MS` sets the poll interval (default 5000).
 */
(function () {
  'use strict';

  var params = new URLSearchParams(location.search);
  var POLL_MS = Math.max(250, Number(params.get('poll')) || 5000);
  var TOKEN_KEY = 'burnrate-token';
  var token = sessionStorage.getItem(TOKEN_KEY) || '';
  var charts = {}; // key -> uPlot
  // the open SLO's correction intervals ({ name, start, end } in unix seconds), shaded on its charts
  var corrections = [];

  /** uPlot hook: shades every correction interval behind the series. */
  function shadeCorrections(u) {
    if (!corrections.length) return;
    var ctx = u.ctx;
    var left = u.bbox.left;
    var right = u.bbox.left + u.bbox.width;
    ctx.save();
    ctx.fillStyle = 'rgba(128,128,128,0.22)';
    corrections.forEach(function (c) {
      var x0 = Math.max(left, u.valToPos(c.start, 'x', true));
      var x1 = Math.min(right, u.valToPos(c.end, 'x', true));
      if (x1 > x0) ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
    });
    ctx.restore();
  }
  var sparkData = {}; // slo name -> [times, remaining]
  var lastSlos = [];
  var timer;

  function $(id) {
    return document.getElementById(id);
  }
  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function AuthError() {}

  function api(path) {
    var headers = token ? { Authorization: 'Bearer ' + token } : {};
    return fetch(path, { headers: headers, cache: 'no-store' }).then(function (res) {
      if (res.status === 401) {
        $('auth').hidden = false;
        throw new AuthError();
      }
      if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
      return res.json();
    });
  }

  /** `87.50 %`; digits after the point. */
  function pct(v, digits) {
    if (v === null || v === undefined) return '–';
    return (v * 100).toFixed(digits) + ' %';
  }
  function objective(v) {
    return Number((v * 100).toPrecision(8)) + ' %';
  }
  function burn(v) {
    return v === undefined || v === null ? '–' : v.toFixed(2);
  }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '∞';
    if (seconds <= 0) return 'now';
    var units = [
      ['d', 86400],
      ['h', 3600],
      ['m', 60],
      ['s', 1],
    ];
    var out = [];
    var rest = Math.round(seconds);
    for (var i = 0; i < units.length && out.length < 2; i++) {
      var n = Math.floor(rest / units[i][1]);
      if (n > 0 || (out.length === 0 && i === units.length - 1)) {
        out.push(n + units[i][0]);
        rest -= n * units[i][1];
      }
    }
    return out.join(' ');
  }
  function clock(unixSeconds) {
    return new Date(unixSeconds * 1000).toLocaleString();
  }
  function selected() {
    var m = /^#slo=(.+)$/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }

  /** A group of a grouped SLO as query parameters (`?http.route=%2Fa`); '' for an ungrouped SLO. */
  function groupQuery(s) {
    if (!s.group) return '';
    return '?' + Object.keys(s.group).map(function (k) {
      return encodeURIComponent(k) + '=' + encodeURIComponent(s.group[k]);
    }).join('&');
  }
  /** One entry's key: the SLO's name, with its group's query for a group. */
  function key(s) {
    return s.name + groupQuery(s);
  }
  /** One entry's title: `api · http.route=/a`. */
  function label(s) {
    if (!s.group) return s.name;
    return s.name + ' · ' + Object.keys(s.group).map(function (k) {
      return k + '=' + (s.group[k] === '' ? '""' : s.group[k]);
    }).join(', ');
  }

  function byRemaining(a, b) {
    var ka = key(a);
    var kb = key(b);
    return a.remaining - b.remaining || (ka < kb ? -1 : ka > kb ? 1 : 0);
  }

  function alertsText(s) {
    var out = [];
    if (s.firing.page) out.push('PAGE');
    if (s.firing.ticket) out.push('ticket');
    return out.length ? out.join(' ') : '–';
  }

  function renderList(slos) {
    var body = $('slos').tBodies[0];
    var sel = selected();
    var rows = slos.slice().sort(byRemaining);
    var seen = {};
    rows.forEach(function (s, i) {
      var k = key(s);
      seen[k] = true;
      var tr = body.querySelector('tr[data-slo="' + CSS.escape(k) + '"]');
      if (!tr) {
        tr = el('tr', { 'data-slo': k });
        var link = el('a', { href: '#slo=' + encodeURIComponent(k) }, label(s));
        var name = el('td');
        name.appendChild(link);
        tr.appendChild(name);
        ['status', 'remaining num', 'sli num', 'objective num', 'burn num', 'tte num', 'alerts', 'spark'].forEach(
          function (c) {
            tr.appendChild(el('td', { class: c }));
          }
        );
      }
      if (body.rows[i] !== tr) body.insertBefore(tr, body.rows[i] || null);
      tr.classList.toggle('selected', k === sel);
      var status = tr.querySelector('.status');
      status.textContent = '';
      status.appendChild(el('span', { class: 'badge s-' + s.status }, s.status));
      var rem = tr.querySelector('.remaining');
      rem.textContent = pct(s.remaining, 2);
      rem.classList.toggle('neg', s.remaining <= 0);
      tr.querySelector('.sli').textContent = pct(s.sli, 3);
      tr.querySelector('.objective').textContent = objective(s.objective);
      tr.querySelector('.burn').textContent = burn(s.burnRates['1h']);
      tr.querySelector('.tte').textContent = duration(s.timeToExhaustionSeconds);
      tr.querySelector('.alerts').textContent = alertsText(s);
    });
    Array.prototype.slice.call(body.rows).forEach(function (tr) {
      if (!seen[tr.getAttribute('data-slo')]) tr.remove();
    });
  }

  function sparkline(name) {
    var data = sparkData[name];
    var tr = $('slos').tBodies[0].querySelector('tr[data-slo="' + CSS.escape(name) + '"]');
    if (!tr || !data) return;
    var cell = tr.querySelector('.spark');
    var key = 'spark:' + name;
    var values = data[1].map(function (v) {
      return v * 100;
    });
    var u = charts[key];
    if (u && u.root.parentNode === cell) return u.setData([data[0], values]);
    cell.textContent = '';
    charts[key] = new uPlot(
      {
        width: 140,
        height: 30,
        legend: { show: false },
        cursor: { show: false },
        axes: [{ show: false }, { show: false }],
        scales: { x: { time: true } },
        series: [{}, { stroke: cssVar('--series-1'), width: 1.5, spanGaps: false }],
      },
      [data[0], values],
      cell
    );
    cell.setAttribute('aria-label', 'budget left over the last day, ' + values.length + ' points');
  }

  /** Coarse points older than the first fine point, then the fine points. */
  function merged(h) {
    var first = h.fine.time.length ? h.fine.time[0] : Infinity;
    var out = { time: [], remaining: [], page: [], ticket: [], step: [], burnRates: {} };
    h.windows.forEach(function (w) {
      out.burnRates[w] = [];
    });
    [h.coarse, h.fine].forEach(function (r, which) {
      for (var i = 0; i < r.time.length; i++) {
        if (which === 0 && r.time[i] + r.stepSeconds > first) continue;
        out.time.push(r.time[i]);
        out.remaining.push(r.remaining[i]);
        out.page.push(r.page[i]);
        out.ticket.push(r.ticket[i]);
        out.step.push(r.stepSeconds);
        h.windows.forEach(function (w) {
          out.burnRates[w].push(r.burnRates[w][i]);
        });
      }
    });
    return out;
  }

  function width(container) {
    return Math.max(280, Math.min(container.clientWidth || 800, 1150));
  }

  function chart(key, container, opts, data) {
    var u = charts[key];
    if (u && u.root.parentNode === container && u.series.length === opts.series.length) {
      u.setData(data);
      return u;
    }
    if (u) u.destroy();
    container.textContent = '';
    opts.width = opts.width || width(container);
    opts.hooks = { drawAxes: [shadeCorrections] };
    charts[key] = new uPlot(opts, data, container);
    return charts[key];
  }

  /** Runs of readings at which `field` fired; a run lasts to the end of its last point's step. */
  function intervals(m, field) {
    var out = [];
    var open = null;
    for (var i = 0; i < m.time.length; i++) {
      if (m[field][i] === 1) {
        if (!open) open = { severity: field, start: m.time[i] };
        open.end = m.time[i] + m.step[i];
      } else if (open) {
        out.push(open);
        open = null;
      }
    }
    if (open) out.push(open);
    return out;
  }

  function renderExtras(s) {
    var box = $('extras');
    box.textContent = '';
    ['attribution', 'offenders', 'topOffenders', 'exampleTraces', 'traces', 'corrections'].forEach(function (key) {
      var v = s[key];
      if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return;
      box.appendChild(el('h3', null, key.replace(/([A-Z])/g, ' $1').toLowerCase()));
      var list = Array.isArray(v) ? v : typeof v === 'object' ? Object.keys(v).map(function (k) {
        return typeof v[k] === 'object' && v[k] !== null && !Array.isArray(v[k])
          ? Object.assign({ key: k }, v[k])
          : { key: k, value: Array.isArray(v[k]) ? JSON.stringify(v[k]) : v[k] };
      }) : [{ value: v }];
      var objects = list.map(function (x) {
        return typeof x === 'object' && x !== null ? x : { value: x };
      });
      var cols = [];
      objects.forEach(function (o) {
        Object.keys(o).forEach(function (k) {
          if (cols.indexOf(k) < 0) cols.push(k);
        });
      });
      var t = el('table');
      var head = el('tr');
      cols.forEach(function (c) {
        head.appendChild(el('th', { scope: 'col' }, c));
      });
      t.appendChild(el('thead')).appendChild(head);
      var tb = t.appendChild(el('tbody'));
      objects.slice(0, 20).forEach(function (o) {
        var tr = el('tr');
        cols.forEach(function (c) {
          var x = o[c];
          tr.appendChild(el('td', null, x === undefined ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x)));
        });
        tb.appendChild(tr);
      });
      box.appendChild(t);
    });
  }

  function renderDetail(s, h) {
    $('detail').hidden = false;
    $('detail-title').textContent = label(s);
    $('detail-summary').textContent =
      s.status + ' · budget left ' + pct(s.remaining, 2) + ' · SLI ' + pct(s.sli, 3) + ' of ' +
      objective(s.objective) + ' over ' + s.window + ' · ' + s.bad + ' bad of ' + s.eligible + ' events';
    var m = merged(h);
    var now = Date.parse(h.time) / 1000;
    corrections = (s.corrections || []).map(function (c) {
      return { name: c.name, start: Date.parse(c.start) / 1000, end: Date.parse(c.end) / 1000 };
    });
    window.burnrateStatus.corrections = corrections;
    var tte = s.timeToExhaustionSeconds;
    // burn-down: remaining over the window, and the forecast at the 1 h burn rate
    var xs = m.time.slice();
    var rem = m.remaining.map(function (v) {
      return v * 100;
    });
    var fc = m.time.map(function () {
      return null;
    });
    if (xs.length && tte !== null && tte > 0) {
      fc[fc.length - 1] = rem[rem.length - 1];
      var exhaustAt = Math.max(now, xs[xs.length - 1]) + tte;
      xs.push(exhaustAt);
      rem.push(null);
      fc.push(0);
    }
    chart(
      'burndown',
      $('burndown'),
      {
        height: 220,
        scales: { x: { time: true, range: [Math.min(now - h.windowSeconds, xs[0] || now), Math.max(now, xs[xs.length - 1] || now)] } },
        series: [
          {},
          { label: 'budget left %', stroke: cssVar('--series-1'), width: 2, fill: 'rgba(88,140,220,0.12)' },
          { label: 'forecast %', stroke: cssVar('--forecast'), dash: [6, 4], width: 1.5, spanGaps: true },
        ],
        axes: [{ stroke: cssVar('--muted') }, { stroke: cssVar('--muted'), size: 64, values: function (u, v) { return v.map(function (x) { return x + '%'; }); } }],
      },
      [xs, rem, fc]
    );
    $('forecast').textContent =
      tte === null
        ? 'Not burning faster than the window forgets: no exhaustion forecast.'
        : tte <= 0
          ? 'The budget is exhausted.'
          : 'At the last hour\u2019s burn rate (' + burn(s.burnRates['1h']) + '×) the budget runs out in ' +
            duration(tte) + ' (' + clock(now + tte) + ').';
    // one burn-rate chart per tier: its long and short windows, its threshold
    var grid = $('burn-charts');
    var tiers = h.tiers.length
      ? h.tiers
      : [{ severity: 'none', long: '1h', short: h.windows[0], burnRate: 1 }];
    if (grid.children.length !== tiers.length) {
      Object.keys(charts).forEach(function (k) {
        if (k.indexOf('tier:') === 0) {
          charts[k].destroy();
          delete charts[k];
        }
      });
      grid.textContent = '';
      tiers.forEach(function (t, i) {
        var box = el('div', { class: 'tier' });
        box.appendChild(el('h4', { id: 'tier-title-' + i }));
        box.appendChild(el('div', { class: 'chart', id: 'tier-' + i, role: 'img', 'aria-labelledby': 'tier-title-' + i }));
        grid.appendChild(box);
      });
    }
    tiers.forEach(function (t, i) {
      $('tier-title-' + i).textContent =
        t.severity + ': ' + t.long + ' and ' + t.short + ' windows, fires at ' + Number(t.burnRate.toFixed(3)) + '×';
      var threshold = m.time.map(function () {
        return t.burnRate;
      });
      chart(
        'tier:' + i,
        $('tier-' + i),
        {
          width: Math.max(280, $('tier-' + i).clientWidth || 340),
          height: 180,
          scales: { x: { time: true } },
          series: [
            {},
            { label: 'burn ' + t.long, stroke: cssVar('--series-1'), width: 1.5 },
            { label: 'burn ' + t.short, stroke: cssVar('--series-2'), width: 1 },
            { label: 'threshold', stroke: cssVar('--threshold'), dash: [4, 4], width: 1 },
          ],
          axes: [{ stroke: cssVar('--muted') }, { stroke: cssVar('--muted') }],
        },
        [m.time, m.burnRates[t.long] || [], m.burnRates[t.short] || [], threshold]
      );
    });
    // alert timeline
    chart(
      'timeline',
      $('timeline-chart'),
      {
        height: 110,
        scales: { x: { time: true }, y: { range: [0, 2.2] } },
        series: [
          {},
          { label: 'page', stroke: cssVar('--critical'), width: 2, paths: uPlot.paths.stepped({ align: 1 }) },
          { label: 'ticket', stroke: cssVar('--warning'), width: 2, paths: uPlot.paths.stepped({ align: 1 }) },
        ],
        axes: [{ stroke: cssVar('--muted') }, { show: false }],
      },
      [
        m.time,
        m.page.map(function (v) {
          return v ? 2 : 0;
        }),
        m.ticket.map(function (v) {
          return v ? 1 : 0;
        }),
      ]
    );
    var list = $('timeline');
    list.textContent = '';
    var all = intervals(m, 'page').concat(intervals(m, 'ticket'));
    all.sort(function (a, b) {
      return a.start - b.start;
    });
    if (!all.length) list.appendChild(el('li', null, 'no alert fired in the history held'));
    corrections.forEach(function (c) {
      list.appendChild(
        el('li', { 'data-severity': 'correction' }, 'correction ' + c.name + ' (events not eligible): ' + clock(c.start) + ' – ' + clock(c.end) + ' (' + duration(c.end - c.start) + ')')
      );
    });
    all.forEach(function (a) {
      list.appendChild(
        el('li', { 'data-severity': a.severity }, a.severity + ': ' + clock(a.start) + ' – ' + clock(a.end) + ' (' + duration(a.end - a.start) + ')')
      );
    });
    renderExtras(s);
  }

  function showError(e) {
    if (e instanceof AuthError) return;
    $('error').hidden = false;
    $('error').textContent = String(e && e.message ? e.message : e);
  }

  function poll() {
    clearTimeout(timer);
    return api('api/slos')
      .then(function (doc) {
        $('auth').hidden = true;
        $('error').hidden = true;
        lastSlos = doc.slos;
        renderList(doc.slos);
        $('updated').textContent = 'updated ' + new Date(doc.time).toLocaleTimeString() + ' · every ' + POLL_MS / 1000 + ' s';
        document.body.setAttribute('data-updated', doc.time);
        var sel = selected();
        var current = doc.slos.filter(function (s) {
          return key(s) === sel;
        })[0];
        if (!current) $('detail').hidden = true;
        return Promise.all(
          doc.slos
            .filter(function (s) {
              // a composite has no history of its own (docs/composites.md)
              return !s.composite;
            })
            .slice(0, 50)
            .map(function (s) {
              var k = key(s);
              return api('api/slos/' + encodeURIComponent(s.name) + '/history' + groupQuery(s)).then(function (h) {
                sparkData[k] = [h.fine.time, h.fine.remaining];
                sparkline(k);
                if (current && key(current) === k) renderDetail(current, h);
              });
            })
        );
      })
      .catch(showError)
      .then(function () {
        document.body.setAttribute('data-polls', String(Number(document.body.getAttribute('data-polls') || 0) + 1));
        timer = setTimeout(poll, POLL_MS);
      });
  }

  $('auth').addEventListener('submit', function (ev) {
    ev.preventDefault();
    token = $('token').value;
    sessionStorage.setItem(TOKEN_KEY, token);
    poll();
  });
  window.addEventListener('hashchange', function () {
    if (!selected()) $('detail').hidden = true;
    renderList(lastSlos);
    poll();
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && selected()) {
      location.hash = '';
      $('home').focus();
    }
  });
  /** Read-only handle for debugging and the browser tests: the live uPlot charts by key. */
  window.burnrateStatus = { charts: charts, corrections: corrections };
  poll();
})();
