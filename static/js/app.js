// Live updates without reloading: poll a job's status URL until it ends.
(function () {
  "use strict";

  function pollJob(url, onUpdate, intervalMs) {
    let stopped = false;
    async function tick() {
      if (stopped) return;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
        if (response.ok) {
          const status = await response.json();
          onUpdate(status);
          if (["succeeded", "failed", "cancelled"].includes(status.status)) return;
        }
      } catch (error) { /* network hiccup: try again */ }
      setTimeout(tick, intervalMs || 1000);
    }
    tick();
    return () => { stopped = true; };
  }
  window.PaintingAssistant = { pollJob };

  // <img data-job-url=... data-ready-src=...>: show the image once its job has succeeded.
  document.querySelectorAll("img[data-job-url][data-ready-src]").forEach((img) => {
    const message = img.parentElement.querySelector("[data-job-message]");
    pollJob(img.dataset.jobUrl, (status) => {
      if (status.status === "succeeded") {
        img.src = img.dataset.readySrc + "?v=" + Date.now();
        img.hidden = false;
        if (message) message.remove();
      } else if (message) {
        message.textContent = status.status === "failed" ? "No thumbnail: open the project to try again"
          : status.status === "queued" ? "Waiting for a worker…" : "Preparing thumbnail…";
      }
    });
  });
})();

// The generation page: live progress bar, stage, time left and preview; reload when done.
// Every line says what is true now: "queued" until a worker starts, a word in the empty
// preview box, and no stage once it has ended. The time left comes in words with the
// status (studio.generation_status): estimated on the server only, shown here as it is.
(function () {
  "use strict";
  const panel = document.querySelector("[data-status-url]");
  if (!panel || !window.PaintingAssistant) return;
  const $ = (selector) => panel.querySelector(selector);
  const ENDED = { succeeded: "Finished: loading the lesson…", failed: "Stopped: loading the reason…", cancelled: "Cancelled." };

  window.PaintingAssistant.pollJob(panel.dataset.statusUrl, (status) => {
    const percent = Math.round(status.progress * 100);
    $("[data-fill]").style.width = percent + "%";
    $("[data-percent]").textContent = percent + "%";
    panel.querySelector(".progress-bar").setAttribute("aria-valuenow", percent);
    const placeholder = $("[data-preview-placeholder]");
    if (status.status in ENDED) {
      $("[data-stage]").textContent = ENDED[status.status];
      $("[data-time-left]").textContent = "";
      window.location.reload();
      return;
    }
    if (status.status === "queued") {
      $("[data-stage]").textContent = "Queued: waiting for a free worker";
      if (placeholder) placeholder.textContent = "The painting has not started yet: it waits for a worker.";
    } else {
      $("[data-stage]").textContent = status.stage_label || "Starting";
      if (placeholder) placeholder.textContent = "The first preview appears after the first pass over the picture.";
    }
    $("[data-time-left]").textContent = status.time_left || "";
    if (status.preview_url) {
      const img = $("[data-preview]");
      if (!img.src.endsWith(status.preview_url)) img.src = status.preview_url;
      img.hidden = false;
      if (placeholder) placeholder.hidden = true;
    }
  }, 1000);
})();
