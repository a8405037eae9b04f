// The Newswire console page: loads the state from /api/*, then follows the
// live stream (/events) for new quotations and for changes to the trending
// board and the feeds' health. Everything a record holds is put on the page
// as text, never as markup.
"use strict";

(() => {
  const MAX_QUOTES = 200;
  const SVG = "http://www.w3.org/2000/svg";

  const state = {
    quotes: new Map(), // id → {view, node}
    board: { hour: [], day: [] },
    window: "hour",
    feeds: null,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) node.append(c);
    }
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Only web links are links: a record could carry javascript: or data:.
  function safeURL(u) {
    try {
      const url = new URL(u);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch {
      return null;
    }
  }

  function ago(iso) {
    if (!iso) return "never";
    const d = (Date.now() - Date.parse(iso)) / 1000;
    const abs = Math.abs(d);
    let s;
    if (abs < 5) return "just now";
    if (abs < 60) s = Math.round(abs) + "s";
    else if (abs < 3600) s = Math.round(abs / 60) + "m";
    else if (abs < 86400) s = Math.floor(abs / 3600) + "h" + String(Math.round((abs % 3600) / 60)).padStart(2, "0") + "m";
    else s = Math.floor(abs / 86400) + "d";
    return d >= 0 ? s + " ago" : "in " + s;
  }

  function clock(iso) {
    const t = new Date(iso);
    if (isNaN(t)) return "";
    return t.toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  // Quotations.

  function quoteNode(q, fresh) {
    const speaker = q.speaker
      ? el("span", { class: "speaker" }, q.speaker)
      : el("span", { class: "speaker unknown" }, "unknown speaker");
    const href = safeURL(q.url);
    const source = href
      ? el("a", { href, target: "_blank", rel: "noopener noreferrer", title: q.title || "" }, q.source)
      : el("span", {}, q.source);
    const meta = el("div", { class: "meta" }, speaker);
    if (q.role) meta.append(el("span", { class: "role" }, q.role));
    meta.append(source, el("time", { datetime: q.published_at, title: "published " + q.published_at }, clock(q.published_at)));
    // sources lists the first outlets only; source_count counts them all.
    const listed = q.sources || [];
    const n = Math.max(q.source_count || 0, listed.length);
    if (n > 1) {
      const names = listed.map((s) => s.name).join(", ") + (n > listed.length ? ", …" : "");
      meta.append(el("span", { class: "sources", title: names }, n + " sources"));
    }
    // Long quotations show their first lines; a click shows the rest.
    const text = el("blockquote", { title: "click to show it all" }, "“" + q.text + "”");
    text.addEventListener("click", () => text.classList.toggle("open"));
    return el(
      "li",
      { class: fresh ? "quote new" : "quote", "data-id": q.id, "data-revision": String(q.revision), lang: q.language || null },
      text,
      meta,
    );
  }

  // addQuote shows a quotation at the top, or a newer revision of one in
  // place of the old; a revision already shown changes nothing.
  function addQuote(q, fresh) {
    const known = state.quotes.get(q.id);
    if (known && known.view.revision >= q.revision) return;
    const node = quoteNode(q, fresh);
    if (known) known.node.remove();
    state.quotes.set(q.id, { view: q, node });
    $("quotes").prepend(node);
    while (state.quotes.size > MAX_QUOTES) {
      const last = $("quotes").lastElementChild;
      state.quotes.delete(last.dataset.id);
      last.remove();
    }
    $("quotes-empty").hidden = state.quotes.size > 0;
  }

  function setQuotes(list) {
    // The list comes newest first; adding from the oldest keeps that order.
    for (const q of list.slice().reverse()) addQuote(q, false);
    $("quotes-empty").hidden = state.quotes.size > 0;
  }

  // Trending entities: a bar per entity for the chosen window, and the
  // last 24 hours hour by hour beside it.

  function drawChart() {
    const rows = state.board[state.window] || [];
    const chart = $("chart");
    chart.replaceChildren();
    chart.dataset.entities = String(rows.length);
    chart.dataset.window = state.window;
    $("trending-empty").hidden = rows.length > 0;
    const width = 560, rowH = 30, labelW = 190, sparkW = 120, countW = 44;
    const barMax = width - labelW - sparkW - countW - 16;
    chart.setAttribute("viewBox", `0 0 ${width} ${Math.max(rows.length * rowH, 1)}`);
    chart.setAttribute("height", String(Math.max(rows.length * rowH, 1)));
    const key = state.window === "hour" ? "last_hour" : "last_day";
    const most = Math.max(1, ...rows.map((r) => r[key]));
    rows.forEach((r, i) => {
      const y = i * rowH;
      const g = svg("g", { class: "row", transform: `translate(0 ${y})`, "data-entity": r.id });
      const name = r.name.length > 19 ? r.name.slice(0, 18) + "…" : r.name;
      const label = svg("text", { x: 0, y: 15 }, name);
      label.append(svg("tspan", { class: "type", dx: 6 }, r.type || ""));
      const title = svg("title", {}, `${r.name}${r.wikidata_id ? " (" + r.wikidata_id + ")" : ""}: ${r.last_hour} in the last hour, ${r.last_day} in the last day`);
      const w = Math.max(2, (r[key] / most) * barMax);
      g.append(
        title,
        label,
        svg("rect", { class: "bar " + state.window, x: labelW, y: 4, width: w.toFixed(1), height: rowH - 12, "data-count": r[key] }),
        svg("text", { class: "count", x: labelW + w + 6, y: 15 }, String(r[key])),
      );
      const hourly = r.hourly || [];
      const peak = Math.max(1, ...hourly);
      const step = sparkW / Math.max(hourly.length, 1);
      hourly.forEach((n, h) => {
        const bh = n > 0 ? Math.max(1.5, (n / peak) * (rowH - 10)) : 0;
        if (bh === 0) return;
        g.append(svg("rect", {
          class: h === hourly.length - 1 ? "spark now" : "spark",
          x: (width - sparkW + h * step).toFixed(1), y: (rowH - 6 - bh).toFixed(1),
          width: Math.max(step - 1, 1).toFixed(1), height: bh.toFixed(1), "data-count": n,
        }));
      });
      chart.append(g);
    });
  }

  function setBoard(board) {
    state.board = { hour: board.hour || [], day: board.day || [] };
    drawChart();
  }

  // Feed health.

  function drawFeeds() {
    const report = state.feeds;
    if (!report) return;
    const body = $("feeds").tBodies[0];
    body.replaceChildren();
    for (const f of report.feeds) {
      const url = el("td", { class: "url" }, f.url);
      if (f.last_error) url.append(el("div", { class: "error" }, f.last_error));
      let status = f.state;
      if (f.status && f.status !== "error") status = f.status.replace("_", " ");
      if (f.state === "failing" && f.http_status) status = "HTTP " + f.http_status;
      body.append(el(
        "tr",
        { "data-state": f.state },
        url,
        el("td", {}, el("span", { class: "badge " + f.state }, status)),
        el("td", { "data-time": f.last_poll || "" }, ago(f.last_poll)),
        el("td", { "data-time": f.next_poll || "" }, f.next_poll ? ago(f.next_poll) : "–"),
        el("td", { class: "num" }, f.items_per_day > 0 ? (f.items_per_day >= 10 ? Math.round(f.items_per_day) : f.items_per_day.toFixed(1)) : "–"),
        el("td", { class: "num" }, String(f.consecutive_failures)),
      ));
    }
    const parts = [`${report.feeds.length} feeds`, `${report.healthy} healthy`];
    if (report.failing) parts.push(`${report.failing} failing`);
    if (report.pending) parts.push(`${report.pending} not polled yet`);
    $("feeds-summary").textContent = parts.join(" · ");
  }

  function setFeeds(report) {
    state.feeds = report;
    drawFeeds();
  }

  // Loading and the live stream.

  async function load(path) {
    const r = await fetch(path, { cache: "no-store" });
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  }

  async function reload() {
    const [q, t, f] = await Promise.allSettled([load("/api/quotes"), load("/api/trending"), load("/api/feeds")]);
    if (q.status === "fulfilled") setQuotes(q.value.quotes || []);
    if (t.status === "fulfilled") setBoard(t.value);
    if (f.status === "fulfilled") setFeeds(f.value);
    const failed = [q, t, f].filter((p) => p.status === "rejected");
    if (failed.length) {
      setStatus("down", "some state could not be loaded: " + failed.map((p) => p.reason.message).join("; "));
      // Redis down, or the console busy (503): try again in a while.
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(reload, 2000 + Math.random() * 3000);
    } else if ($("status").dataset.state === "down") {
      setStatus("live", "live"); // only a load sets "down": the stream is still live
    }
  }
  let reloadTimer;

  function setStatus(kind, text) {
    const s = $("status");
    s.dataset.state = kind;
    s.textContent = text;
  }

  // EventSource reconnects on its own when a stream ends or the network
  // fails, but gives up after an HTTP error: the console answers 503 when
  // it follows as many pages as it may. Then the page waits, longer each
  // time and with jitter, so that refused pages do not all come back at
  // once, and connects again.
  let retries = 0;

  function connect() {
    const events = new EventSource("/events");
    events.addEventListener("open", () => {
      retries = 0;
      setStatus("live", "live");
      // Loaded once connected, so nothing that came in between is missed.
      reload();
    });
    events.addEventListener("error", () => {
      if (events.readyState !== EventSource.CLOSED) {
        setStatus("connecting", "reconnecting…");
        return;
      }
      events.close();
      const delay = Math.min(2000 * 2 ** retries, 60000) * (0.5 + Math.random());
      retries++;
      setStatus("connecting", `reconnecting in ${Math.ceil(delay / 1000)} s…`);
      setTimeout(connect, delay);
    });
    events.addEventListener("quote", (e) => addQuote(JSON.parse(e.data), true));
    events.addEventListener("trending", (e) => setBoard(JSON.parse(e.data)));
    events.addEventListener("feeds", (e) => setFeeds(JSON.parse(e.data)));
  }

  for (const b of document.querySelectorAll(".tabs button")) {
    b.addEventListener("click", () => {
      state.window = b.dataset.window;
      for (const o of document.querySelectorAll(".tabs button")) o.setAttribute("aria-pressed", String(o === b));
      drawChart();
    });
  }
  // Relative times age.
  setInterval(drawFeeds, 10000);
  connect();
})();
