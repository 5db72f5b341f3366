// Check my canvas: the upload form's reference picture follows the chosen step; a running
// check's progress bar (the page reloads with the findings when it ends); and the corner
// editor: four handles over the photo, dragged with a mouse, a finger or a pen (pointer
// events) or moved with the arrow keys, writing the number fields the form posts (which
// work without a script too).
(function () {
  "use strict";

  const select = document.querySelector("[data-step-select]");
  const reference = document.querySelector("[data-step-image]");
  if (select && reference) {
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0];
      if (option && option.dataset.image) reference.src = option.dataset.image;
    });
  }

  const panel = document.querySelector("[data-check-progress]");
  if (panel && window.PaintingAssistant) {
    const labels = JSON.parse(document.getElementById("check-stage-labels").textContent);
    const $ = (selector) => panel.querySelector(selector);
    window.PaintingAssistant.pollJob(panel.dataset.jobUrl, (status) => {
      const percent = Math.round(status.progress * 100);
      $("[data-fill]").style.width = percent + "%";
      $("[data-percent]").textContent = percent + "%";
      $("[role=progressbar]").setAttribute("aria-valuenow", String(percent));
      if (["succeeded", "failed", "cancelled"].includes(status.status)) {
        $("[data-stage]").textContent = "Done: loading the findings…";
        window.location.reload();
        return;
      }
      $("[data-stage]").textContent = status.status === "queued" ? "Queued: waiting for a free worker"
        : (labels[status.stage] || "Starting");
    }, 700);
  }

  const editor = document.querySelector("[data-corner-editor]");
  if (!editor) return;
  const width = Number(editor.dataset.width), height = Number(editor.dataset.height);
  const stage = editor.querySelector(".corner-stage");
  const outline = editor.querySelector("[data-outline]");
  const handles = Array.from(editor.querySelectorAll("[data-corner]"));
  const NAMES = ["Top-left", "Top-right", "Bottom-right", "Bottom-left"];
  const fields = handles.map((_, i) => [editor.querySelector("[name=x" + (i + 1) + "]"),
                                        editor.querySelector("[name=y" + (i + 1) + "]")]);
  const points = fields.map(([x, y]) => [Number(x.value), Number(y.value)]);
  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

  function draw(i, writeFields) {
    const [x, y] = points[i];
    handles[i].style.left = (100 * x / width) + "%";
    handles[i].style.top = (100 * y / height) + "%";
    handles[i].setAttribute("aria-label", NAMES[i] + " corner, at " + Math.round(x) + ", " + Math.round(y)
      + " px: use the arrow keys to move it");
    if (writeFields) {
      fields[i][0].value = x.toFixed(1);
      fields[i][1].value = y.toFixed(1);
    }
    outline.setAttribute("points", points.map((p) => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" "));
  }

  function moveTo(i, x, y) {
    points[i] = [clamp(x, 0, width), clamp(y, 0, height)];
    draw(i, true);
  }

  function photoPoint(event) {
    const box = stage.getBoundingClientRect();
    return [(event.clientX - box.left) / box.width * width, (event.clientY - box.top) / box.height * height];
  }

  handles.forEach((handle, i) => {
    let grip = null;  // where on the handle it was taken, so it does not jump under the pointer
    handle.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      handle.focus();
      const [x, y] = photoPoint(event);
      grip = [x - points[i][0], y - points[i][1]];
      handle.classList.add("dragging");
    });
    handle.addEventListener("pointermove", (event) => {
      if (!grip || !handle.hasPointerCapture(event.pointerId)) return;
      const [x, y] = photoPoint(event);
      moveTo(i, x - grip[0], y - grip[1]);
    });
    const release = () => { grip = null; handle.classList.remove("dragging"); };
    handle.addEventListener("pointerup", release);
    handle.addEventListener("pointercancel", release);
    handle.addEventListener("keydown", (event) => {
      const step = (event.shiftKey ? 0.03 : 0.004) * Math.max(width, height);
      const move = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[event.key];
      if (!move) return;
      event.preventDefault();
      moveTo(i, points[i][0] + move[0], points[i][1] + move[1]);
    });
  });

  fields.forEach(([xField, yField], i) => {
    const typed = () => {
      const x = Number(xField.value), y = Number(yField.value);
      if (xField.value !== "" && yField.value !== "" && isFinite(x) && isFinite(y)) {
        points[i] = [x, y];
        draw(i, false);
      }
    };
    xField.addEventListener("input", typed);
    yField.addEventListener("input", typed);
  });

  handles.forEach((_, i) => draw(i, false));
})();
