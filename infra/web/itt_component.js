/* The app's map as a Streamlit component (the documented v1 message protocol, our own few lines).
 *
 * The iframe, and so the Leaflet map, lives as long as the page shows the map: every rerun posts only the
 * state (styles, values, masks, texts); the parts it names (boundaries, sites, popups) are fetched once by
 * their content hash and kept.
 */
(function () {
  "use strict";
  function send(type, data) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data), "*");
  }
  let clicks = 0, height = null;
  // A part's URL names its content, so any copy the browser holds is right: "force-cache" takes it without asking
  // the server again (after a view switch, in a new tab), and fetches it only the first time.
  const load = (ref) => fetch(`data/${ref}.json`, {cache: "force-cache"}).then((r) => {
    if (!r.ok) throw new Error(`part ${ref}: HTTP ${r.status}`);
    return r.json();
  });
  const select = (code) => send("streamlit:setComponentValue", {value: {unit: code, click: ++clicks},
    dataType: "json"});
  // Streamlit loads the code of its table and chart the first time a page shows one, from this same server.
  // Once the map has drawn, the page loads that code ahead (its module map keeps it), so a first switch to
  // Units or Plan does not wait for it: once per page, and only into a parent of this origin.
  let preloaded = false;
  const preload = (names) => {
    if (preloaded || !Array.isArray(names) || !names.length || window.parent === window) return;
    preloaded = true;
    let doc;
    try { doc = window.parent.document; } catch (err) { return; }  // another origin: nothing to do
    const at = location.pathname.lastIndexOf("/component/");
    if (at < 0) return;
    const base = `${location.origin}${location.pathname.slice(0, at)}/static/js/`;
    setTimeout(() => names.forEach((name) => {  // soon, not when idle: an idle callback may wait for seconds
      const src = base + encodeURIComponent(name);
      if ([...doc.scripts].some((s) => s.src === src)) return;  // loaded by an earlier map of this page
      const script = doc.createElement("script");
      script.type = "module";
      script.src = src;
      doc.head.appendChild(script);
    }), 300);
  };
  const itt = window.itt = new window.IttMap(document.getElementById("itt-map"), load, select);
  window.map = itt.map;
  window.addEventListener("message", (event) => {
    if (!event.data || event.data.type !== "streamlit:render") return;
    const args = event.data.args;
    itt.receivedAt = Date.now();  // when the state arrived (the benchmark splits server and browser time by it)
    if (args.height !== height) {
      height = args.height;
      document.body.style.height = `${height}px`;
      send("streamlit:setFrameHeight", {height: height});
      itt.map.invalidateSize();
    }
    itt.update(args.state).then(() => preload(args.preload), (err) => {
      const box = document.createElement("div");
      box.className = "itt-box itt-tiles";
      box.textContent = itt.say("failed", {error: String(err)});
      itt.map.getContainer().appendChild(box);
    });
  });
  send("streamlit:componentReady", {apiVersion: 1});
})();
