/* The tracker's map renderer: one Leaflet map drawn from a small state that refers to bulky parts by hash.
 *
 * The same code draws the app's map (a Streamlit component: parts fetched once by URL, state sent on every
 * rerun) and the exported file (parts inlined). Every text from data is set with textContent, never as HTML.
 * Sites are drawn by our own canvas layer: 100,000 points draw in one pass, and a pan moves the canvas without
 * redrawing it. Our own code; Leaflet itself comes from the xstatic-leaflet package.
 */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fill(template, values) {  // a text of the state's words with its {placeholders} filled in
    return String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }

  function escapeHtml(text) {  // for the few Leaflet APIs that take HTML (layer control names, attribution)
    return String(text).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
      "'": "&#39;"}[c]));
  }

  function bits(b64, n) {  // a packed bit mask (numpy packbits, little bit order) as a Uint8Array of 0/1
    const raw = atob(b64 || ""), out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (raw.charCodeAt(i >> 3) >> (i & 7)) & 1;
    return out;
  }

  /* A mark of a site: the shape of its mast class or layer (circle, triangle, square, diamond, ring, cross). */
  function trace(ctx, shape, x, y, r) {
    if (shape === "triangle") {
      ctx.moveTo(x, y - r * 1.2); ctx.lineTo(x + r * 1.05, y + r * 0.7); ctx.lineTo(x - r * 1.05, y + r * 0.7);
      ctx.closePath();
    } else if (shape === "square") {
      ctx.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
    } else if (shape === "diamond") {
      ctx.moveTo(x, y - r * 1.25); ctx.lineTo(x + r * 1.25, y); ctx.lineTo(x, y + r * 1.25); ctx.lineTo(x - r * 1.25, y);
      ctx.closePath();
    } else if (shape === "cross") {
      ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r);
    } else {
      ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
  }

  function paint(ctx, shape, colour) {  // fill and outline what trace() drew (a ring or a cross is only a line)
    if (shape === "ring" || shape === "cross") {
      ctx.lineWidth = shape === "cross" ? 2 : 1.6; ctx.strokeStyle = colour; ctx.stroke();
      return;
    }
    ctx.fillStyle = colour; ctx.globalAlpha = 0.85; ctx.fill();
    ctx.globalAlpha = 1; ctx.lineWidth = 0.7; ctx.strokeStyle = "rgba(0,0,0,0.55)"; ctx.stroke();
  }

  function bubble(ctx, x, y, n) {  // a group of sites: a disc that grows with the count, the count on it
    const r = clusterRadius(n);
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = "rgba(59,110,165,0.82)"; ctx.fill();
    ctx.lineWidth = 2; ctx.strokeStyle = "#ffffff"; ctx.stroke();
    ctx.fillStyle = "#ffffff"; ctx.font = "bold 11px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.fillText(String(n), x, y);
  }

  function clusterRadius(n) { return 9 + 4 * Math.log10(n); }

  /* Every layer of sites on one canvas above the units: one bitmap to allocate and composite, however many
   * layers are shown; a pan moves it with the map, and it is redrawn once the pan ends. A layer with a
   * `cluster` spec is drawn as groups of sites (a grid of cells, a count on each) below its zoom. */
  const PointsCanvas = L.Layer.extend({
    initialize: function (sites, onClick, onCluster) {
      this._sites = sites;
      this._onClick = onClick;
      this._onCluster = onCluster;
      this._layers = [];
      this._hold = false;
      this._clusters = [];
    },
    onAdd: function (map) {
      if (!map.getPane("itt-points")) map.createPane("itt-points").style.zIndex = "450";
      this._canvas = el("canvas", {class: "itt-points leaflet-zoom-hide"});
      this._canvas.style.position = "absolute";
      this._canvas.style.pointerEvents = "none";
      map.getPane("itt-points").appendChild(this._canvas);
      map.on("moveend zoomend resize viewreset", this.redraw, this);
      map.on("click", this._click, this);
      this.redraw();
    },
    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this.redraw, this);
      map.off("click", this._click, this);
      this._canvas.remove();
    },
    attach: function (layer) {
      this._layers.push(layer);
      this._layers.sort((a, b) => a.order - b.order);
      this.redraw();
    },
    detach: function (layer) {
      this._layers = this._layers.filter((l) => l !== layer);
      this.redraw();
    },
    hold: function (on) {  // attach many layers, then draw once
      this._hold = on;
      if (!on) this.redraw();
    },
    clustered: function (layer) {
      const c = layer.spec.cluster;
      return !!c && this._map.getZoom() < c.below_zoom;
    },
    redraw: function () {
      const map = this._map;
      if (!map || this._hold) return;
      const t0 = performance.now(), s = this._sites, size = map.getSize(), pad = size.multiplyBy(0.25).round();
      const topLeft = map.containerPointToLayerPoint([0, 0]).subtract(pad).round();
      const w = size.x + 2 * pad.x, h = size.y + 2 * pad.y, dpr = window.devicePixelRatio || 1;
      const c = this._canvas;
      c.width = w * dpr; c.height = h * dpr; c.style.width = w + "px"; c.style.height = h + "px";
      L.DomUtil.setPosition(c, topLeft);
      const ctx = c.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const crs = map.options.crs, scale = crs.scale(map.getZoom()) / crs.scale(0), origin = map.getPixelOrigin();
      const ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
      const xs = this._xs && this._xs.length === s.n ? this._xs : new Float32Array(s.n);
      const ys = this._ys && this._ys.length === s.n ? this._ys : new Float32Array(s.n);
      for (let i = 0; i < s.n; i++) { xs[i] = s.px[i] * scale - ox; ys[i] = s.py[i] * scale - oy; }
      this._clusters = [];
      const grouping = this._layers.some((l) => this.clustered(l));
      for (const layer of this._layers) {
        const r = layer.spec.radius, inView = (x, y) => !(x < -r || y < -r || x > w + r || y > h + r);
        let drawn = 0;
        layer.clusters = 0;
        if (grouping && layer.spec.shape === "ring") { layer.drawn = 0; continue; }  // rings mark single sites
        if (this.clustered(layer)) {  // cells fixed to the world's pixels: a pan does not regroup the sites
          const cell = layer.spec.cluster.cell_px, cells = new Map();
          for (const [, members] of layer.groups()) {
            for (const i of members) {
              const x = xs[i], y = ys[i];
              if (!inView(x, y)) continue;
              const key = Math.floor((x + ox) / cell) + ":" + Math.floor((y + oy) / cell);
              let g = cells.get(key);
              if (!g) cells.set(key, g = {n: 0, x: 0, y: 0, first: i});
              g.n++; g.x += x; g.y += y;
            }
          }
          const singles = new Set();
          for (const g of cells.values()) {
            if (g.n === 1) { singles.add(g.first); continue; }
            const x = g.x / g.n, y = g.y / g.n;
            bubble(ctx, x, y, g.n);
            this._clusters.push({x, y, n: g.n, r: clusterRadius(g.n)});
            layer.clusters++;
          }
          for (const [colour, members, shape] of layer.groups()) {
            ctx.beginPath();
            for (const i of members) if (singles.has(i)) { trace(ctx, shape, xs[i], ys[i], r); drawn++; }
            paint(ctx, shape, colour);
          }
          layer.drawn = drawn;
          layer.singles = singles;  // a click finds only the sites drawn one by one
          continue;
        }
        layer.singles = null;
        for (const [colour, members, shape] of layer.groups()) {
          ctx.beginPath();
          for (const i of members) {
            const x = xs[i], y = ys[i];
            if (!inView(x, y)) continue;
            trace(ctx, shape, x, y, r);
            drawn++;
          }
          paint(ctx, shape, colour);
        }
        layer.drawn = drawn;
      }
      this._xs = xs; this._ys = ys; this._offset = topLeft; this.ms = performance.now() - t0;
    },
    group: function (layerPoint) {  // the group of sites under a click, or null
      if (!this._offset) return null;
      const x = layerPoint.x - this._offset.x, y = layerPoint.y - this._offset.y;
      for (const g of this._clusters) {
        if ((g.x - x) ** 2 + (g.y - y) ** 2 <= (g.r + 2) ** 2) {
          return this._map.layerPointToLatLng([g.x + this._offset.x, g.y + this._offset.y]);
        }
      }
      return null;
    },
    hit: function (layerPoint) {  // the nearest site drawn by an interactive layer under a click, or -1
      let best = -1;
      if (!this._xs) return best;
      const x = layerPoint.x - this._offset.x, y = layerPoint.y - this._offset.y;
      for (const layer of this._layers) {
        if (!layer.spec.interactive) continue;
        let bestD = (layer.spec.radius + 3) ** 2;
        for (const [, members] of layer.groups()) {
          for (const i of members) {
            if (layer.singles && !layer.singles.has(i)) continue;  // in a group: not drawn, not clicked
            const d = (this._xs[i] - x) ** 2 + (this._ys[i] - y) ** 2;
            if (d <= bestD) { bestD = d; best = i; }
          }
        }
      }
      return best;
    },
    pick: function (layerPoint, latlng) {  // a click: zoom into a group, or open a site; true when it was one
      const g = this.group(layerPoint);
      if (g) { this._onCluster(g); return true; }
      const i = this.hit(layerPoint);
      if (i >= 0) { this._onClick(i, latlng); return true; }
      return false;
    },
    _click: function (e) {
      if (this._map.getContainer().classList.contains("itt-measuring")) return;  // the click measures
      this.pick(e.layerPoint, e.latlng);
    },
  });

  /* One layer of sites (a mask over the sites, colours and shapes, a radius), drawn by the shared canvas. */
  const Points = L.Layer.extend({
    initialize: function (canvas, spec, order) {
      this.canvas = canvas;
      this.spec = spec;
      this.order = order;
      this._mask = bits(spec.mask, canvas._sites.n);
      this.count = this._mask.reduce((a, b) => a + b, 0);
    },
    onAdd: function () { this.canvas.attach(this); },
    onRemove: function () { this.canvas.detach(this); this.drawn = 0; this.clusters = 0; },
    groups: function () {  // [colour, indices, shape] in drawing order (the commonest class first, the rarest on top)
      if (this._groups) return this._groups;
      const spec = this.spec, s = this.canvas._sites, byClass = Array.isArray(spec.colours);
      const lists = new Map();
      for (let i = 0; i < s.n; i++) {
        if (!this._mask[i]) continue;
        const key = byClass ? s.cls[i] : 0;
        if (!lists.has(key)) lists.set(key, []);
        lists.get(key).push(i);
      }
      const keys = byClass ? spec.order.filter((k) => lists.has(k)) : [...lists.keys()];
      this._groups = keys.map((k) => [byClass ? spec.colours[k] : spec.colour, lists.get(k),
        byClass ? (spec.shapes || [])[k] || "circle" : spec.shape || "circle"]);
      return this._groups;
    },
  });

  function icon(path) {  // a 16 px stroked SVG icon (no icon font, no emoji: nothing to fetch, nothing to miss)
    const ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), p = document.createElementNS(ns, "path");
    svg.setAttribute("viewBox", "0 0 16 16"); svg.setAttribute("width", "16"); svg.setAttribute("height", "16");
    p.setAttribute("d", path); p.setAttribute("fill", "none"); p.setAttribute("stroke", "#333");
    p.setAttribute("stroke-width", "1.6");
    svg.appendChild(p);
    return svg;
  }

  function label(a, text) {
    a.setAttribute("title", text);
    a.setAttribute("aria-label", text);
  }

  /* A button that puts the map in full screen and back. `options.say(key, values)` gives its words. */
  const Fullscreen = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function (map) {
      const bar = el("div", {class: "leaflet-bar itt-fullscreen"});
      const a = this._a = el("a", {href: "#", role: "button"});
      this.label();
      a.appendChild(icon("M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4"));
      bar.appendChild(a);
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(a, "click", (e) => {
        L.DomEvent.preventDefault(e);
        const box = map.getContainer();
        if (document.fullscreenElement) document.exitFullscreen();
        else if (box.requestFullscreen) box.requestFullscreen();
      });
      document.addEventListener("fullscreenchange", () => map.invalidateSize());
      return bar;
    },
    label: function () { if (this._a) label(this._a, this.options.say("fullscreen")); },
  });

  /* Distance measure: a click on the ruler starts it, clicks on the map add points, the ruler again ends it. */
  const Measure = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function (map) {
      const bar = el("div", {class: "leaflet-bar itt-measure"});
      const a = this._a = el("a", {href: "#", role: "button"});
      this.label();
      a.appendChild(icon("M1 11L11 1l4 4L5 15zM4 8l2 2M6 6l2 2M8 4l2 2"));
      this._out = el("div", {class: "itt-measure-result"});
      bar.appendChild(a);
      bar.appendChild(this._out);
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(a, "click", (e) => { L.DomEvent.preventDefault(e); this.toggle(map); });
      return bar;
    },
    toggle: function (map) {
      if (this._line) {
        map.off("click", this._add, this);
        this._line.remove();
        this._line = null;
        this._out.textContent = "";
        map.getContainer().classList.remove("itt-measuring");
        return;
      }
      this._line = L.polyline([], {color: "#222", weight: 2, dashArray: "4 4", interactive: false}).addTo(map);
      map.on("click", this._add, this);
      map.getContainer().classList.add("itt-measuring");
      this._out.textContent = this.options.say("measure_hint");
    },
    label: function () { if (this._a) label(this._a, this.options.say("measure")); },
    _add: function (e) {
      this._line.addLatLng(e.latlng);
      const pts = this._line.getLatLngs();
      let metres = 0;
      for (let i = 1; i < pts.length; i++) metres += this._map.distance(pts[i - 1], pts[i]);
      const say = this.options.say;
      this._out.textContent = metres < 1000 ? say("metres", {metres: metres.toFixed(0)})
        : say("kilometres", {km: (metres / 1000).toFixed(2)});
    },
  });

  function box(id, cls) {
    const b = el("div", {id: id, class: cls});
    L.DomEvent.disableClickPropagation(b);
    L.DomEvent.disableScrollPropagation(b);
    return b;
  }

  function scaleBox(scale) {
    const b = box("itt-scale", "itt-box itt-scale");
    b.appendChild(el("div", {}, scale.caption));
    const bar = el("div", {class: "itt-scale-bar"});
    bar.style.background = `linear-gradient(to right, ${scale.colours.join(", ")})`;
    b.appendChild(bar);
    const ticks = el("div", {class: "itt-scale-ticks"});
    for (const t of scale.ticks) ticks.appendChild(el("span", {}, t));
    b.appendChild(ticks);
    return b;
  }

  function swatch(item) {  // the legend's mark, drawn as the map draws it
    const c = el("canvas", {class: "itt-swatch", width: "28", height: "28"});
    c.style.width = "14px"; c.style.height = "14px";
    const ctx = c.getContext("2d");
    ctx.scale(2, 2);
    if (item.shape === "cluster") {
      ctx.beginPath(); ctx.arc(7, 7, 6, 0, 2 * Math.PI); ctx.fillStyle = item.colour; ctx.fill();
    } else {
      ctx.beginPath(); trace(ctx, item.shape === "ring" ? "circle" : item.shape, 7, 7.5, 4.6);
      paint(ctx, item.shape, item.colour);
    }
    return c;
  }

  function legendBox(legend) {
    const b = box(`itt-legend-${legend.key}`, `itt-box itt-legend itt-legend-${legend.key}`);
    b.appendChild(el("b", {}, legend.title));
    for (const item of legend.items) {
      const row = el("div", {class: "itt-legend-row"});
      row.appendChild(swatch(item));
      row.appendChild(document.createTextNode(item.label));
      b.appendChild(row);
    }
    return b;
  }

  function noticeBox(title, lines) {
    const d = el("details", {id: "itt-notice", class: "itt-box itt-notice"});  // one line until opened
    L.DomEvent.disableClickPropagation(d);
    d.appendChild(el("summary", {}, title));
    const ul = el("ul");
    for (const t of lines) ul.appendChild(el("li", {}, t));
    d.appendChild(ul);
    return d;
  }

  function titleBox(title) {
    const b = box("itt-title", "itt-box itt-title");
    b.appendChild(el("b", {}, title.heading));
    for (const line of title.lines) b.appendChild(el("div", {}, line));
    const small = el("div", {class: "itt-small"});
    for (const line of title.small) small.appendChild(el("div", {}, line));
    b.appendChild(small);
    return b;
  }

  /* One map in `container`; `load(ref)` gives a part's data (a Promise); `onSelect(code)` for unit clicks. */
  function IttMap(container, load, onSelect) {
    const map = L.map(container, {preferCanvas: true, zoomControl: true});
    const parts = new Map();
    const visible = {};  // layer key → shown, kept across updates (the user's choice in the layer control)
    let canvas = null, layers = [], control = null, boxes = null, lastBounds = null, tileNotice = null, seq = 0, state = null;
    let lastFocus = "null";
    const zoomIn = () => {  // the first zoom that shows the sites one by one
      const spec = state && state.points.find((p) => p.cluster);
      return spec ? spec.cluster.below_zoom : 14;
    };
    let words = {};  // the renderer's own texts, from the state (infra.views.maps.map_words)
    const say = (key, values) => fill(words[key], values || {});
    map.setView([21.03, 105.8], 10);
    L.control.scale({imperial: false}).addTo(map);  // metres and kilometres only, as in Vietnam
    const fullscreen = new Fullscreen({say}).addTo(map);
    const measure = new Measure({say}).addTo(map);
    let replacing = false;  // layers removed by an update are not the user's choice
    map.on("overlayadd overlayremove", (e) => {
      if (e.layer._ittKey && !replacing) visible[e.layer._ittKey] = e.type === "overlayadd";
    });

    function part(ref) {
      if (!parts.has(ref)) parts.set(ref, load(ref));
      return parts.get(ref);
    }

    function sitesOf(raw) {  // projected once (zoom 0 pixels); each redraw only scales
      if (raw._projected) return raw;
      const n = raw.lon.length, px = new Float64Array(n), py = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const p = map.options.crs.latLngToPoint(L.latLng(raw.lat[i], raw.lon[i]), 0);
        px[i] = p.x; py[i] = p.y;
      }
      Object.assign(raw, {n, px, py, _projected: true});
      return raw;
    }

    function dateOf(days) {  // days since 1970 → the date as the app writes it (infra.views.maps.date_words)
      if (days === "" || days === undefined) return "?";
      const d = new Date(Number(days) * 86400000), m = d.getUTCMonth() + 1;
      return fill(words.date, {d: d.getUTCDate(), m: m, y: d.getUTCFullYear(), mon: (words.months || [])[m - 1]});
    }

    function popupText(code, operators) {  // a site's facts (infra.views.map_parts.popup_codes) in the page's words
      const f = String(code || "").split("\t"), [name, id, cls, owner, built, removed] = f;
      const lines = [say("popup_head", {name: name || id, site_id: id}), say("popup_mast", {cls: cls, owner: owner || "?"}),
        removed ? say("popup_removed", {date: dateOf(built), removed: dateOf(removed)})
          : say("popup_built", {date: dateOf(built)})];
      for (const radio of f.slice(6)) {
        const [t, o, on, off] = radio.split(":");
        const v = {tech: t.endsWith("*") ? say("pilot") : t, operator: (operators || [])[Number(o)] || "?",
          on: dateOf(on), off: off ? dateOf(off) : ""};
        lines.push(off ? say("popup_off", v) : say("popup_on", v));
      }
      return lines.join("\n");
    }

    async function sitePopup(st, i, latlng) {
      const content = el("div", {class: "itt-popup"}, say("loading_history"));
      const popup = L.popup({maxWidth: 420}).setLatLng(latlng).setContent(content).openOn(map);
      const popups = await part(st.sites.popups);
      content.textContent = popupText(popups.text[i], st.operators);
      popup.update();  // measured again for the history, not for the loading text
      api.opened = i;
    }

    function crosswalk(u, f) {  // the other layer's units this unit overlaps, with their shares of the area
      const list = f.properties.x || [];
      if (!u.crosswalk || !list.length) return null;
      const units = list.map(([name, share]) => say("share", {name: name, share: share})).join("; ");
      return u.crosswalk === "former" ? say("tooltip_former", {units: units}) : say("tooltip_new", {units: units});
    }

    function unitsLayer(st, units) {
      const shown = bits(st.units.shown, units.features.length);
      const u = st.units;
      const feats = units.features.filter((f, i) => shown[i]).map((f) => f);
      const layer = L.geoJSON({type: "FeatureCollection", features: feats}, {
        style: (f) => ({fillColor: u.fill[f.properties.i], color: "#2c3e50", weight: 1, fillOpacity: 0.65}),
        onEachFeature: (f, l) => {
          const tip = el("div", {class: "itt-tooltip"});
          tip.appendChild(el("div", {}, say("tooltip_unit", {name: f.properties.name})));
          tip.appendChild(el("div", {}, say("tooltip_code", {code: f.properties.code})));
          tip.appendChild(el("div", {}, say("tooltip_value", {caption: u.caption, value: u.text[f.properties.i]})));
          const across = crosswalk(u, f);
          if (across) tip.appendChild(el("div", {class: "itt-crosswalk"}, across));
          l.bindTooltip(tip, {sticky: true});
          l.on("mouseover", () => l.setStyle({weight: 3}));
          l.on("mouseout", () => l.setStyle({weight: 1}));
          l.on("click", (e) => {
            L.DomEvent.stopPropagation(e);
            if (measure._line) { measure._add(e); return; }
            if (canvas && canvas.pick(e.layerPoint, e.latlng)) return;  // a group of sites, or a site
            if (onSelect) onSelect(f.properties.code);
          });
        },
      });
      layer.count = feats.length;
      return layer;
    }

    function overlay(spec, data) {
      return L.geoJSON(data, {style: () => spec.style, interactive: false});
    }

    async function update(st) {
      const mine = ++seq, t0 = performance.now();
      if (st.words) words = st.words;  // first, so that a failure below can be said
      fullscreen.label();
      measure.label();
      const zoom = map.zoomControl;  // Leaflet's own buttons, in the page's language too
      if (zoom && zoom._zoomInButton) {
        label(zoom._zoomInButton, say("zoom_in"));
        label(zoom._zoomOutButton, say("zoom_out"));
      }
      const [units, rawSites, ...extra] = await Promise.all([
        part(st.units.ref), part(st.sites.ref), ...st.overlays.map((o) => part(o.ref))]);
      if (mine !== seq) return;  // a newer state arrived meanwhile
      const t1 = performance.now();
      state = st;
      const sites = sitesOf(rawSites);
      replacing = true;
      if (canvas) canvas.hold(true);
      for (const l of layers) l.remove();
      if (control) control.remove();
      replacing = false;
      layers = [];
      control = L.control.layers(null, null, {collapsed: true});
      if (st.tiles && !map._ittTiles) {
        map._ittTiles = L.tileLayer(st.tiles.url, {attribution: escapeHtml(st.tiles.attribution), maxZoom: 19})
          .addTo(map);
        map._ittTiles.on("tileerror", () => {
          if (tileNotice) return;
          tileNotice = box("itt-tiles", "itt-box itt-tiles");
          tileNotice.textContent = say("tiles_failed");
          map.getContainer().appendChild(tileNotice);
        });
      }
      if (map._ittTiles) control.addBaseLayer(map._ittTiles, escapeHtml(st.tiles.name));
      const add = (layer, key, name, show) => {
        layer._ittKey = key;
        layers.push(layer);
        if (!(key in visible)) visible[key] = show;
        if (visible[key]) layer.addTo(map);
        control.addOverlay(layer, escapeHtml(name));
      };
      add(unitsLayer(st, units), "units", st.units.name, true);
      st.overlays.forEach((o, k) => add(overlay(o, extra[k]), o.key, o.name, o.show));
      if (!canvas || canvas._sites !== sites) {
        if (canvas) canvas.remove();
        canvas = new PointsCanvas(sites, (i, latlng) => sitePopup(state, i, latlng),
          (latlng) => map.setView(latlng, Math.max(map.getZoom() + 2, zoomIn()))).addTo(map);
      }
      canvas.hold(true);
      st.points.forEach((p, k) => add(new Points(canvas, p, k), p.key, p.name, p.show));
      canvas.hold(false);
      control.addTo(map);
      if (control._layersLink) label(control._layersLink, say("layers"));
      if (boxes) boxes.remove();
      boxes = el("div", {class: "itt-boxes"});
      boxes.appendChild(scaleBox(st.scale));
      const legends = el("div", {class: "itt-legends"});
      for (const legend of st.legends) legends.appendChild(legendBox(legend));
      boxes.appendChild(legends);
      boxes.appendChild(noticeBox(st.notice_title, st.notices));
      if (st.title) boxes.appendChild(titleBox(st.title));
      map.getContainer().appendChild(boxes);
      const bounds = JSON.stringify(st.bounds);
      if (bounds !== lastBounds) {
        lastBounds = bounds;
        if (st.bounds) map.fitBounds(st.bounds);
        else map.setView([21.03, 105.8], 10);
      }
      const focus = JSON.stringify(st.focus || null);
      if (st.focus && focus !== lastFocus) {  // a site found by search: there, one by one, its popup open
        const i = st.focus.i, at = L.latLng(sites.lat[i], sites.lon[i]);
        map.setView(at, Math.max(st.focus.zoom || 17, zoomIn()), {animate: false});
        sitePopup(st, i, at);
      }
      lastFocus = focus;
      api.timing = {parts_ms: t1 - t0, draw_ms: performance.now() - t1};  // where an update's time goes
      api.renders++;
    }

    const api = {
      map, update, say, renders: 0, timing: null, opened: -1,
      counts: () => {
        const out = {polygons: 0, markers: 0, points: {}, drawn: {}, clusters: 0, zoom: map.getZoom(),
          redraw_ms: canvas ? canvas.ms : 0};
        for (const l of layers) {
          if (!map.hasLayer(l)) continue;
          if (l._ittKey === "units") out.polygons = l.count;
          if (l instanceof Points) {
            out.points[l._ittKey] = l.count;
            out.drawn[l._ittKey] = l.drawn || 0;
            if (l.spec.interactive) { out.markers = l.count; out.clusters = l.clusters || 0; }
          }
        }
        return out;
      },
      sites: () => layers.find((l) => l instanceof Points && l.spec.interactive),
      groups: () => (canvas ? canvas._clusters : []).map((g) => Object.assign({n: g.n},
        map.layerPointToLatLng([g.x + canvas._offset.x, g.y + canvas._offset.y]))),
    };
    return api;
  }

  /* The exported file: the state and every part are inlined as JSON scripts; nothing is fetched. */
  IttMap.fromDocument = function () {
    const load = (ref) => Promise.resolve(JSON.parse(document.querySelector(`script[data-part="${ref}"]`).textContent));
    const itt = window.itt = new IttMap(document.getElementById("itt-map"), load, null);
    window.map = itt.map;
    return itt.update(JSON.parse(document.getElementById("itt-state").textContent));
  };

  window.IttMap = IttMap;
})();
