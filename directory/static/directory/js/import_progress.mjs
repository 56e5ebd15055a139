// Progress of a directory import in the admin: polls the job's JSON status,
// moves the <progress> bar, announces every tenth of the way through the
// live region, and reloads the page (which shows the result) when it ends.
// Without JavaScript the page refreshes itself (<noscript> meta refresh).

const POLL_MS = 1000;

function start(root) {
  const url = root.dataset.statusUrl;
  const bar = root.querySelector("[data-import-bar]");
  const text = root.querySelector("[data-import-text]");
  let announcedTenth = -1;

  async function poll() {
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const status = await response.json();
        if (status.finished) {
          window.location.reload();
          return;
        }
        if (bar) {
          bar.max = Math.max(status.total, 1);
          bar.value = status.processed;
          bar.textContent = `${status.percent} %`;
        }
        const tenth = Math.floor(status.percent / 10);
        if (text && (tenth !== announcedTenth || status.phase !== text.dataset.phase)) {
          announcedTenth = tenth;
          text.dataset.phase = status.phase;
          text.textContent = status.progress_text;
        }
      }
    } catch {
      // The network hiccuped: try again at the next tick.
    }
    window.setTimeout(poll, POLL_MS);
  }

  window.setTimeout(poll, POLL_MS / 2);
}

const root = document.querySelector("[data-import-job]");
if (root && root.dataset.finished !== "true") {
  start(root);
}
