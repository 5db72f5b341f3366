// The paint-along page: one sub-step (one mix of one layer) at a time. The server renders
// the current one and plain links and forms work without a script; this script moves
// between sub-steps in place (buttons, arrow keys, swipes), saves "done" with fetch, and
// draws the projector mode: only the current mix's strokes, as outlines with arrows, on
// black, full screen, moved and zoomed to line up with a real canvas.
(function () {
  "use strict";
  const root = document.querySelector("[data-paint-along]");
  const dataNode = document.getElementById("paint-along-data");
  if (!root || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const steps = data.substeps;
  const done = new Set(data.done);
  let index = data.index;
  const $ = (selector) => document.querySelector(selector);
  const picture = root.querySelector("[data-picture]");
  const form = root.querySelector("[data-done-form]");
  const doneButton = root.querySelector("[data-done-button]");

  function navLink(selector, target) {
    const old = root.querySelector(selector);
    const link = document.createElement(target === null ? "span" : "a");
    link.className = old.className;
    link.textContent = old.textContent;
    for (const name of ["data-previous", "data-next"]) if (old.hasAttribute(name)) link.setAttribute(name, "");
    if (target === null) link.setAttribute("aria-disabled", "true");
    else { link.href = "?step=" + steps[target].key; link.addEventListener("click", (e) => { e.preventDefault(); show(target); }); }
    old.replaceWith(link);
  }

  function updateDone() {
    const isDone = done.has(steps[index].key);
    doneButton.textContent = isDone ? "Done ✓ (undo)" : "Done: next mix";
    doneButton.className = isDone ? "button secondary" : "button";
    doneButton.value = isDone ? "" : "on";
    doneButton.setAttribute("aria-pressed", String(isDone));
    $("[data-done-count]").textContent = String(done.size);
    $("[data-done-bar]").style.width = (100 * done.size / steps.length) + "%";
    root.querySelector("[role=progressbar]").setAttribute("aria-valuenow", String(done.size));
  }

  function show(target) {
    index = Math.max(0, Math.min(steps.length - 1, target));
    const step = steps[index];
    picture.src = step.image;
    root.querySelectorAll("[data-substep]").forEach((section) => { section.hidden = section.dataset.substep !== step.key; });
    $("[data-position]").textContent = String(index + 1);
    form.querySelector("[data-key]").value = step.key;
    const checkLink = root.querySelector("[data-check-link]");
    if (checkLink) checkLink.search = "?step=" + step.key;  // "Check my canvas" after the mix shown
    navLink("[data-previous]", index > 0 ? index - 1 : null);
    navLink("[data-next]", index + 1 < steps.length ? index + 1 : null);
    updateDone();
    history.replaceState(null, "", "?step=" + step.key);
    if (index + 1 < steps.length) new Image().src = steps[index + 1].image;  // ready for "next"
    if (projector.open) projector.draw();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = new FormData(form);
    body.set("done", doneButton.value);
    try {
      const response = await fetch(form.action, { method: "POST", body, headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const result = await response.json();
      done.clear();
      result.done.forEach((key) => done.add(key));
      const next = steps.findIndex((s) => s.key === result.current);
      if (doneButton.value && next !== index && next >= 0) show(next); else updateDone();
    } catch (error) {
      form.submit();  // let the server answer (and show its message) the plain way
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || /INPUT|TEXTAREA|SELECT/.test(event.target.tagName)) return;
    if (projector.open && event.shiftKey && event.key.startsWith("Arrow")) return;  // moves the projection
    if (event.key === "ArrowRight") { event.preventDefault(); show(index + 1); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); show(index - 1); }
    else if (event.key === "d" || event.key === "D") { event.preventDefault(); form.requestSubmit(doneButton); }
  });

  let touch = null;
  root.addEventListener("touchstart", (e) => { touch = [e.touches[0].clientX, e.touches[0].clientY]; }, { passive: true });
  root.addEventListener("touchend", (e) => {
    if (!touch) return;
    const dx = e.changedTouches[0].clientX - touch[0], dy = e.changedTouches[0].clientY - touch[1];
    touch = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) show(index + (dx < 0 ? 1 : -1));
  });

  // --- Projector mode -------------------------------------------------------------------
  const projector = (function () {
    const overlay = $("[data-projector]");
    const svg = overlay.querySelector("[data-projector-svg]");
    const label = overlay.querySelector("[data-projector-label]");
    const saved = "painting-assistant:projector:" + data.planUrl;
    let plan = null;
    let view = JSON.parse(localStorage.getItem(saved) || "null") || { x: 0, y: 0, zoom: 1 };
    const NS = "http://www.w3.org/2000/svg";
    const api = { open: false };

    function element(name, attributes) {
      const node = document.createElementNS(NS, name);
      for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
      return node;
    }

    function keep() { localStorage.setItem(saved, JSON.stringify(view)); }

    api.draw = function () {
      if (!plan) return;
      const step = steps[index];
      const layer = plan.layers[step.step - 1];
      const sub = layer.substeps[step.order - 1];
      const strokes = layer.strokes.slice(sub.first, sub.first + sub.count);
      const w = plan.picture.width, h = plan.picture.height;
      svg.setAttribute("viewBox", "-0.5 -0.5 " + w + " " + h);
      svg.replaceChildren();
      const defs = element("defs", {});
      const marker = element("marker", { id: "pa-arrow", viewBox: "0 0 10 10", refX: "5", refY: "5",
        markerWidth: "4", markerHeight: "4", orient: "auto-start-reverse" });
      marker.append(element("path", { d: "M0,0 L10,5 L0,10 z", fill: "#fff" }));
      defs.append(marker);
      const g = element("g", { transform: "translate(" + view.x + " " + view.y + ") scale(" + view.zoom + ")",
        "transform-origin": (w / 2) + " " + (h / 2) });
      const frame = element("rect", { x: "-0.5", y: "-0.5", width: String(w), height: String(h), fill: "none",
        stroke: "#555", "stroke-width": String(Math.max(w, h) / 400), "stroke-dasharray": String(Math.max(w, h) / 100) });
      const outer = element("g", { fill: "none", stroke: "#fff", "stroke-linecap": "round", "stroke-linejoin": "round" });
      const inner = element("g", { fill: "none", stroke: "#000", "stroke-linecap": "round", "stroke-linejoin": "round" });
      const arrows = element("g", { fill: "none", stroke: "#fff", "marker-end": "url(#pa-arrow)" });
      const line = Math.max(w, h) / 500;
      strokes.forEach((s) => {
        const d = "M" + s.points.map((p) => p[0] + "," + p[1]).join(" L");
        if (s.points.length === 1) {
          const [x, y] = s.points[0];
          outer.append(element("circle", { cx: x, cy: y, r: s.width / 2 + line, fill: "#fff", stroke: "none" }));
          inner.append(element("circle", { cx: x, cy: y, r: s.width / 2, fill: "#000", stroke: "none" }));
        } else {
          outer.append(element("path", { d, "stroke-width": s.width + 2 * line }));
          inner.append(element("path", { d, "stroke-width": s.width }));
          arrows.append(element("path", { d, "stroke-width": Math.max(line, s.width / 10) }));
        }
      });
      g.append(frame, outer, inner, arrows);
      svg.append(defs, g);
      label.textContent = "Step " + step.step + "." + step.order + " · mix " + step.color + " · " + step.strokes + " strokes";
    };

    async function openIt() {
      if (!plan) {
        try { plan = await (await fetch(data.planUrl, { headers: { Accept: "application/json" } })).json(); }
        catch (error) { return; }
      }
      overlay.hidden = false;
      api.open = true;
      api.draw();
      if (overlay.requestFullscreen) overlay.requestFullscreen().catch(() => {});
    }

    function closeIt() {
      overlay.hidden = true;
      api.open = false;
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    }

    function move(dx, dy) {
      const step = Math.max(plan.picture.width, plan.picture.height) / 200;
      view.x += dx * step; view.y += dy * step; keep(); api.draw();
    }

    function zoom(factor) { view.zoom = Math.max(0.2, Math.min(5, view.zoom * factor)); keep(); api.draw(); }

    const opener = $("[data-projector-open]");
    opener.hidden = false;
    opener.addEventListener("click", openIt);
    overlay.querySelector("[data-projector-close]").addEventListener("click", closeIt);
    overlay.querySelector("[data-projector-reset]").addEventListener("click", () => { view = { x: 0, y: 0, zoom: 1 }; keep(); api.draw(); });
    overlay.querySelector("[data-projector-previous]").addEventListener("click", () => show(index - 1));
    overlay.querySelector("[data-projector-next]").addEventListener("click", () => show(index + 1));
    overlay.querySelectorAll("[data-move]").forEach((b) => b.addEventListener("click", () => { const [x, y] = b.dataset.move.split(",").map(Number); move(x, y); }));
    overlay.querySelectorAll("[data-zoom]").forEach((b) => b.addEventListener("click", () => zoom(Number(b.dataset.zoom))));
    document.addEventListener("fullscreenchange", () => { if (!document.fullscreenElement && api.open) closeIt(); });
    document.addEventListener("keydown", (event) => {
      if (!api.open) return;
      if (event.key === "Escape") closeIt();
      else if (event.shiftKey && event.key.startsWith("Arrow")) {
        event.preventDefault();
        move({ ArrowLeft: -1, ArrowRight: 1 }[event.key] || 0, { ArrowUp: -1, ArrowDown: 1 }[event.key] || 0);
      } else if (event.key === "+" || event.key === "=") zoom(1.02);
      else if (event.key === "-") zoom(0.98);
    });
    let drag = null;
    svg.addEventListener("pointerdown", (e) => { drag = [e.clientX, e.clientY]; svg.setPointerCapture(e.pointerId); });
    svg.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const box = svg.getBoundingClientRect();
      const perPixel = Math.max(plan.picture.width / box.width, plan.picture.height / box.height);
      view.x += (e.clientX - drag[0]) * perPixel; view.y += (e.clientY - drag[1]) * perPixel;
      drag = [e.clientX, e.clientY]; api.draw();
    });
    svg.addEventListener("pointerup", () => { drag = null; keep(); });
    svg.addEventListener("wheel", (e) => { e.preventDefault(); zoom(e.deltaY < 0 ? 1.02 : 0.98); }, { passive: false });
    return api;
  })();

  show(index);
})();
