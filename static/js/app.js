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
