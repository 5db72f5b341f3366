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
        message.textContent = status.status === "failed" ? "Thumbnail failed: " + status.message
          : status.status === "queued" ? "Waiting for a worker…" : "Preparing thumbnail…";
      }
    });
  });
})();

// The generation page: live progress bar, stage, time left and preview; reload when done.
(function () {
  "use strict";
  const panel = document.querySelector("[data-status-url]");
  if (!panel || !window.PaintingAssistant) return;
  const $ = (selector) => panel.querySelector(selector);
  function formatSeconds(seconds) {
    if (seconds == null) return "";
    if (seconds < 60) return "about " + Math.max(1, Math.round(seconds)) + " s left";
    return "about " + Math.round(seconds / 60) + " min left";
  }
  window.PaintingAssistant.pollJob(panel.dataset.statusUrl, (status) => {
    const percent = Math.round(status.progress * 100);
    $("[data-fill]").style.width = percent + "%";
    $("[data-percent]").textContent = percent + "%";
    panel.querySelector(".progress-bar").setAttribute("aria-valuenow", percent);
    $("[data-stage]").textContent = status.status === "queued" ? "Waiting for a worker" : (status.stage_label || "Working");
    $("[data-time-left]").textContent = formatSeconds(status.seconds_left);
    if (status.preview_url) {
      const img = $("[data-preview]");
      if (!img.src.endsWith(status.preview_url)) img.src = status.preview_url;
      img.hidden = false;
    }
    if (["succeeded", "failed", "cancelled"].includes(status.status)) window.location.reload();
  }, 1000);
})();
