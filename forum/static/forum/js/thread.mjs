// Forum enhancements: drafts saved as one types, quoting in place, reactions without reload.
// Every form works without this file (plain posts and redirects).

const DRAFT_DELAY_MS = 1200;

function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function postForm(url, form, data) {
  const response = await fetch(url, {
    method: "POST",
    body: data,
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
}

// --- Drafts --------------------------------------------------------------------------
for (const form of document.querySelectorAll("form[data-draft-form]")) {
  const status = form.querySelector("[data-draft-status]");
  let timer = null;
  let lastSent = null;
  const save = async () => {
    const data = new FormData();
    for (const name of ["csrfmiddlewaretoken", "thread", "category", "group", "title", "body"]) {
      const field = form.elements.namedItem(name);
      if (field && "value" in field) data.append(name, field.value);
    }
    const signature = `${data.get("title") || ""}\u0000${data.get("body") || ""}`;
    if (signature === lastSent) return;
    try {
      await postForm(form.dataset.draftUrl, form, data);
      lastSent = signature;
      if (status) status.textContent = status.dataset.savedText || "";
    } catch {
      if (status) status.textContent = status.dataset.failedText || "";
    }
  };
  form.addEventListener("input", (event) => {
    if (!event.target.matches("textarea[name=body], input[name=title]")) return;
    clearTimeout(timer);
    timer = setTimeout(save, DRAFT_DELAY_MS);
  });
  form.addEventListener("submit", () => clearTimeout(timer));
}

// --- Quoting -------------------------------------------------------------------------
const replyBody = document.querySelector("#reply textarea[name=body]");
for (const link of document.querySelectorAll("a[data-quote]")) {
  if (!replyBody) break;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(link.dataset.quote, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const { markdown } = await response.json();
      const before = replyBody.value.trimEnd();
      replyBody.value = (before ? `${before}\n\n` : "") + markdown;
      replyBody.dispatchEvent(new Event("input", { bubbles: true }));
      replyBody.focus();
      replyBody.setSelectionRange(replyBody.value.length, replyBody.value.length);
    } catch {
      window.location.href = link.href;
    }
  });
}

// --- Reactions -----------------------------------------------------------------------
for (const form of document.querySelectorAll("form[data-reaction]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    try {
      const result = await postForm(form.action, form, new FormData(form));
      button.setAttribute("aria-pressed", result.added ? "true" : "false");
      const count = button.querySelector("[data-count]");
      if (count) count.textContent = String(result.count);
    } catch {
      form.submit();
    }
  });
}
