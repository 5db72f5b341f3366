// The time-lapse player: the lesson's plan.json painted stroke by stroke on a canvas, with
// play, pause and a slider to any stroke. The strokes are the plan's own (round brushes along
// their paths, in the plan's order), so the player shows exactly what the lesson says.
(function () {
  "use strict";
  const SECONDS = 12;  // a whole painting, played through
  const LONG_SIDE = 1024;  // px of the canvas drawn on (the page scales it to fit)

  function rgb(color) { return "rgb(" + color.join(",") + ")"; }

  async function setUp(figure) {
    const canvas = figure.querySelector("canvas");
    const controls = figure.querySelector(".player-controls");
    let plan;
    try {
      const response = await fetch(figure.dataset.planUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      plan = await response.json();
    } catch (error) { return; }
    const palette = plan.palette.map((c) => rgb(c.rgb));
    const strokes = [];
    plan.layers.forEach((layer, i) => layer.strokes.forEach((s) => strokes.push({ layer: i, s: s })));
    const scale = LONG_SIDE / Math.max(plan.picture.width, plan.picture.height);
    canvas.width = Math.round(plan.picture.width * scale);
    canvas.height = Math.round(plan.picture.height * scale);
    const ctx = canvas.getContext("2d");
    const scrub = controls.querySelector("[data-scrub]");
    const play = controls.querySelector("[data-play]");
    const count = controls.querySelector("[data-count]");
    scrub.max = String(strokes.length);
    let drawn = 0;
    let timer = null;

    function clear() {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      drawn = 0;
    }

    function paint(item) {
      const s = item.s;
      ctx.strokeStyle = ctx.fillStyle = palette[s.color - 1];
      const at = (p) => [(p[0] + 0.5) * scale, (p[1] + 0.5) * scale];
      if (s.points.length === 1) {
        const [x, y] = at(s.points[0]);
        ctx.beginPath();
        ctx.arc(x, y, s.width * scale / 2, 0, 2 * Math.PI);
        ctx.fill();
        return;
      }
      ctx.lineWidth = s.width * scale;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      s.points.forEach((p, i) => { const [x, y] = at(p); if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y); });
      ctx.stroke();
    }

    function showUpTo(n) {
      n = Math.max(0, Math.min(strokes.length, n));
      if (n < drawn) clear();
      while (drawn < n) paint(strokes[drawn++]);
      scrub.value = String(n);
      const layer = n ? strokes[n - 1].layer + 1 : 0;
      count.textContent = "stroke " + n + " of " + strokes.length + (layer ? " · step " + layer : "");
    }

    function stop() {
      if (timer !== null) cancelAnimationFrame(timer);
      timer = null;
      play.textContent = "Play";
      play.setAttribute("aria-label", "Play");
    }

    function start() {
      if (drawn >= strokes.length) showUpTo(0);
      const perFrame = Math.max(1, strokes.length / (SECONDS * 60));
      let carry = 0;
      play.textContent = "Pause";
      play.setAttribute("aria-label", "Pause");
      const frame = () => {
        carry += perFrame;
        const step = Math.floor(carry);
        carry -= step;
        showUpTo(drawn + step);
        if (drawn >= strokes.length) { stop(); return; }
        timer = requestAnimationFrame(frame);
      };
      timer = requestAnimationFrame(frame);
    }

    play.addEventListener("click", () => (timer === null ? start() : stop()));
    scrub.addEventListener("input", () => { stop(); showUpTo(Number(scrub.value)); });
    clear();
    showUpTo(strokes.length);  // the finished painting until asked to play
    controls.hidden = false;
  }

  document.querySelectorAll(".timelapse-player[data-plan-url]").forEach(setUp);
})();
