// Faceted search without page reloads. Everything works without this file:
// the form is a plain GET form with a submit button.
//
// With it, changing a filter (or submitting the text) fetches the same URL the
// form would load, swaps the regions marked [data-search-region] in place,
// keeps the focus where it was, updates the address (so the search stays a
// link), and announces the new result count in the #search-status live region.
// Map pages listen for "directory:search-changed" to reload their data.
// It also opens or closes the filters' disclosure to fit the screen's width.

const form = document.querySelector("form[data-search-form]");

if (form) {
  const status = document.getElementById("search-status");
  let controller = null;
  let timer = null;

  // The filters' disclosure (facets.html): open beside the results on wide screens,
  // closed at first on small ones (the same width as directory.css's breakpoint).
  const panel = form.querySelector("[data-facets-panel]");
  const wide = window.matchMedia("(min-width: 52.01rem)");
  const fitPanel = () => {
    if (panel) panel.open = wide.matches;
  };
  fitPanel();
  wide.addEventListener("change", fitPanel);

  const queryOf = () => {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name === "q" && !String(value).trim()) continue;
      params.append(name, value);
    }
    return params.toString();
  };

  const swap = (fresh) => {
    const focusedId = document.activeElement && document.activeElement.id;
    for (const region of document.querySelectorAll("[data-search-region], .language-switcher")) {
      const selector = region.id ? `#${CSS.escape(region.id)}` : ".language-switcher";
      const replacement = fresh.querySelector(selector);
      if (replacement) region.replaceChildren(...replacement.childNodes);
    }
    document.title = fresh.title;
    if (focusedId) {
      const again = document.getElementById(focusedId);
      if (again && again !== document.activeElement) again.focus({ preventScroll: true });
    }
    const freshStatus = fresh.getElementById("search-status");
    if (status && freshStatus) {
      // Clear first, so that the same count twice is still announced.
      status.textContent = "";
      window.setTimeout(() => { status.textContent = freshStatus.textContent.trim(); }, 50);
    }
  };

  const run = async ({ push }) => {
    const query = queryOf();
    const url = `${form.action}${query ? `?${query}` : ""}`;
    if (controller) controller.abort();
    controller = new AbortController();
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(String(response.status));
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      swap(fresh);
      if (push) window.history.pushState({ query }, "", url);
      else window.history.replaceState({ query }, "", url);
      document.dispatchEvent(new CustomEvent("directory:search-changed", { detail: { query } }));
    } catch (error) {
      if (error.name === "AbortError") return;
      window.location.assign(url); // fall back to an ordinary page load
    } finally {
      form.removeAttribute("aria-busy");
    }
  };

  form.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement)) return;
    if (input.type !== "checkbox" && input.type !== "radio") return;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => run({ push: false }), 250);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    // "Apply the filters" on a small screen: close the filters, so that the results
    // are next, and keep the focus on their summary rather than lose it in the closed panel.
    if (panel && !wide.matches && panel.open && panel.contains(event.submitter)) {
      panel.open = false;
      panel.querySelector("summary").focus();
    }
    run({ push: true });
  });

  window.addEventListener("popstate", () => window.location.reload());
}
