// A thread, live: posts, edits, moderation and reactions appear without a reload.
//
// The page works without this file; it adds (DESIGN.md, /ws/forum/threads/<id>/?after=<seq>):
// - a socket opened with the sequence number the page was rendered at; the server
//   replays what came after it, then streams;
// - the highest CONTIGUOUS seq applied: a seq already applied is ignored, a jump
//   closes the socket and reconnects from the contiguous cursor (the server replays
//   the gap), and so does every reconnect;
// - reconnection with exponential backoff and full jitter; after a few failed
//   openings, polling /forum/threads/<id>/events?after=<seq> every 15 s (and the
//   socket is tried again now and then);
// - replies sent with a client-generated id, kept until the server answers, so a
//   reply resent after a drop is stored once;
// - "N new posts" instead of moving the page while one reads or writes; every new
//   post announced in a polite aria-live region, focus never moved.
//
// Strings come translated from data attributes of templates/forum/components/live_thread.html.

const HEARTBEAT_MS = 25_000;
const HEARTBEAT_GRACE_MS = 10_000;
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
const POLL_MS = 15_000;
const OPENINGS_BEFORE_POLLING = 3;
const TYPING_SHOWN_MS = 6_000;
const TYPING_SENT_EVERY_MS = 3_000;

const root = document.querySelector("[data-live-thread]");
if (root && "WebSocket" in window) start(root);

function start(root) {
  const text = root.dataset;
  const threadId = Number(text.thread);
  const posts = document.querySelector(".forum-posts");
  const onLastPage = text.lastPage === "true";
  const live = root.querySelector("[data-live-announce]");
  const status = root.querySelector("[data-live-status]");
  const presence = root.querySelector("[data-live-presence]");
  const typing = root.querySelector("[data-live-typing]");
  const newPosts = root.querySelector("[data-live-new]");
  const form = document.querySelector("#reply form");
  const body = form ? form.querySelector("textarea[name=body]") : null;

  let contiguous = Number(text.after) || 0;
  let socket = null;
  let attempt = 0;
  let openedOnce = false;
  let failedOpenings = 0;
  let pollTimer = null;
  let reconnectTimer = null;
  let heartbeatTimer = null;
  let graceTimer = null;
  let stopped = false;
  let typingTimer = null;
  let typedAt = 0;
  const waiting = []; // new posts held back while the member reads or writes

  const say = (message) => {
    // Re-setting the same text would not be announced again: clear first.
    live.textContent = "";
    window.setTimeout(() => (live.textContent = message), 50);
  };
  const plural = (count, one, many) => (count === 1 ? one : many).replace("{n}", String(count));

  // --- applying events, in order ----------------------------------------------------

  function apply(message) {
    if (message.type === "resync") {
      window.location.reload();
      return true;
    }
    if (typeof message.seq !== "number") return applyEphemeral(message);
    if (message.seq <= contiguous) return true; // already applied
    if (message.seq > contiguous + 1) return false; // a gap: resync from the cursor
    contiguous = message.seq;
    root.dataset.after = String(contiguous);
    switch (message.type) {
      case "post.created":
        postArrived(message);
        break;
      case "post.edited":
      case "post.hidden":
      case "post.restored":
        postReplaced(message);
        break;
      case "reaction.changed":
        reactionsChanged(message);
        break;
      case "thread.updated":
        status.textContent = text.threadUpdated;
        break;
      default:
        break;
    }
    return true;
  }

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const article = template.content.firstElementChild;
    // Forms in a fragment rendered for an audience carry no CSRF token: lend the page's.
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      for (const postForm of article.querySelectorAll("form[method=post]")) {
        if (!postForm.querySelector("input[name=csrfmiddlewaretoken]")) {
          postForm.prepend(token.cloneNode());
        }
      }
    }
    return article;
  }

  const articleOf = (message) =>
    message.number ? document.getElementById(`post-${message.number}`) : null;

  function postArrived(message) {
    if (!onLastPage || !posts) {
      waiting.push(null);
      showWaiting();
      return;
    }
    const existing = articleOf(message);
    if (existing) {
      // Rendered with the page and replayed too: replace, never duplicate.
      if (message.html) existing.replaceWith(fragment(message.html));
      return;
    }
    if (!message.html) return; // a hidden post this reader may not see
    const article = fragment(message.html);
    const mine = text.user && String(message.author) === text.user;
    if (!mine && busy()) {
      waiting.push(article);
      showWaiting();
    } else {
      posts.append(article);
      say(text.newPostOne);
    }
  }

  function postReplaced(message) {
    const existing = articleOf(message);
    if (!existing) return;
    if (message.html) {
      existing.replaceWith(fragment(message.html));
    } else if (message.hidden) {
      const placeholder = document.createElement("p");
      placeholder.className = "forum-post__placeholder";
      placeholder.textContent = text.hiddenPlaceholder;
      const postBody = existing.querySelector(".forum-post__body");
      if (postBody) postBody.replaceWith(placeholder);
    }
  }

  function reactionsChanged(message) {
    const article = document.querySelector(`article [action$="/posts/${message.post}/react/"]`);
    const scope = article ? article.closest("article") : null;
    if (!scope || !message.counts) return;
    for (const reactionForm of scope.querySelectorAll("form[data-reaction]")) {
      const kind = reactionForm.querySelector("input[name=kind]")?.value;
      const count = reactionForm.querySelector("[data-count]");
      if (kind && count && kind in message.counts) count.textContent = String(message.counts[kind]);
    }
  }

  function applyEphemeral(message) {
    if (message.type === "presence" && presence) {
      const reading = Number(message.reading) || 0;
      presence.textContent = reading > 1 ? plural(reading, text.readingOne, text.readingMany) : "";
    } else if (message.type === "typing" && typing) {
      typing.textContent = text.typing.replace("{name}", message.name || "");
      clearTimeout(typingTimer);
      typingTimer = window.setTimeout(() => (typing.textContent = ""), TYPING_SHOWN_MS);
    }
    return true;
  }

  // Reading higher up, or writing: hold new posts back behind a button.
  function busy() {
    if (form && form.contains(document.activeElement)) return true;
    const last = posts.lastElementChild;
    if (!last) return false;
    return last.getBoundingClientRect().bottom > window.innerHeight + 40;
  }

  function showWaiting() {
    const count = waiting.length;
    newPosts.hidden = count === 0;
    newPosts.textContent = plural(count, text.newPostsOne, text.newPostsMany);
    say(newPosts.textContent);
  }

  newPosts.addEventListener("click", () => {
    if (waiting.some((article) => article === null)) {
      window.location.href = text.lastPageUrl;
      return;
    }
    const first = waiting[0];
    for (const article of waiting.splice(0)) posts.append(article);
    newPosts.hidden = true;
    if (first) {
      // The member asked for them: bring the first into view, focus stays where it was.
      first.scrollIntoView({ block: "start" });
    }
  });

  // --- the socket -------------------------------------------------------------------

  function socketUrl() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const lang = document.documentElement.lang || "";
    return `${scheme}//${window.location.host}${text.socket}?after=${contiguous}&lang=${lang}`;
  }

  function connect() {
    if (stopped) return;
    clearTimeout(reconnectTimer);
    let opened = false;
    const current = new WebSocket(socketUrl());
    socket = current;
    current.addEventListener("open", () => {
      opened = true;
      openedOnce = true;
      attempt = 0;
      failedOpenings = 0;
      stopPolling();
      status.textContent = "";
      heartbeat();
    });
    current.addEventListener("message", (event) => {
      if (current !== socket) return;
      beat();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "pong") return;
      if (!apply(message)) {
        // A jump: start again from the contiguous cursor (the server replays the gap).
        reconnectNow();
      }
    });
    current.addEventListener("close", (event) => {
      if (current !== socket) return;
      socket = null;
      clearTimeout(heartbeatTimer);
      clearTimeout(graceTimer);
      if (event.code === 4403 || event.code === 4400) {
        stopped = true;
        stopPolling();
        status.textContent = text.noAccess;
        return;
      }
      if (event.code === 4409) {
        window.location.reload();
        return;
      }
      if (!opened) failedOpenings += 1;
      if (failedOpenings >= OPENINGS_BEFORE_POLLING) startPolling();
      scheduleReconnect();
    });
  }

  function reconnectNow() {
    const current = socket;
    socket = null;
    if (current) current.close(1000);
    connect();
  }

  function scheduleReconnect() {
    if (stopped) return;
    attempt += 1;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (attempt - 1));
    const delay = Math.random() * ceiling; // full jitter: a restart is not a stampede
    if (openedOnce) status.textContent = text.reconnecting;
    reconnectTimer = window.setTimeout(connect, delay);
  }

  // The browser cannot see protocol pings: ask for a pong, and give up on a silent socket.
  function heartbeat() {
    clearTimeout(heartbeatTimer);
    heartbeatTimer = window.setTimeout(() => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify({ type: "ping" }));
      graceTimer = window.setTimeout(() => reconnectNow(), HEARTBEAT_GRACE_MS);
    }, HEARTBEAT_MS);
  }

  function beat() {
    clearTimeout(graceTimer);
    heartbeat();
  }

  // --- polling, when the socket cannot be opened ----------------------------------------

  function startPolling() {
    if (pollTimer !== null || stopped) return;
    status.textContent = text.polling;
    const poll = async () => {
      await pollOnce();
      if (pollTimer !== null) pollTimer = window.setTimeout(poll, POLL_MS);
    };
    pollTimer = window.setTimeout(poll, 0);
  }

  function stopPolling() {
    if (pollTimer !== null) clearTimeout(pollTimer);
    pollTimer = null;
  }

  async function pollOnce() {
    for (let page = 0; page < 20; page += 1) {
      const lang = document.documentElement.lang || "";
      let response;
      try {
        response = await fetch(`${text.events}?after=${contiguous}&lang=${lang}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
      } catch {
        return;
      }
      if (response.status === 404 || response.status === 403) {
        stopped = true;
        stopPolling();
        status.textContent = text.noAccess;
        return;
      }
      if (!response.ok) return;
      const data = await response.json();
      for (const message of data.events) {
        if (!apply(message)) return; // cannot happen over HTTP: events come from the database
      }
      if (!data.more) return;
    }
  }

  // --- replying with a client id ---------------------------------------------------------

  function newClientId() {
    if (window.crypto && "randomUUID" in window.crypto) return window.crypto.randomUUID();
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }

  if (form && body) {
    const clientId = form.querySelector("input[name=client_id]");
    if (clientId && !clientId.value) clientId.value = newClientId();
    body.addEventListener("input", () => {
      const now = Date.now();
      if (socket && socket.readyState === WebSocket.OPEN && now - typedAt > TYPING_SENT_EVERY_MS) {
        typedAt = now;
        socket.send(JSON.stringify({ type: "typing" }));
      }
    });
    form.addEventListener("submit", async (event) => {
      const files = form.querySelector("input[type=file]");
      const submitter = event.submitter;
      if (!clientId || (files && files.files.length) || (submitter && submitter.name)) return;
      event.preventDefault();
      const data = new FormData(form);
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      status.textContent = text.sending;
      try {
        await sendReply(data);
        body.value = "";
        clientId.value = newClientId(); // the next reply is another post
        status.textContent = text.sent;
        if (!socket || socket.readyState !== WebSocket.OPEN) pollOnce();
      } catch (error) {
        status.textContent = error.message || text.sendFailed;
      } finally {
        if (button) button.disabled = false;
      }
    });
  }

  // Resent with the same client id until the server answers: it stores the post once.
  async function sendReply(data) {
    for (let tries = 0; tries < 6; tries += 1) {
      let response;
      try {
        response = await fetch(form.action, {
          method: "POST",
          body: data,
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
      } catch {
        await new Promise((resolve) => window.setTimeout(resolve, 1000 * 2 ** tries));
        continue;
      }
      if (response.ok) return response.json();
      if (response.status === 400) {
        const answer = await response.json().catch(() => ({}));
        throw new Error((answer.errors || []).join(" ") || text.sendFailed);
      }
      if (response.status < 500) throw new Error(text.sendFailed);
      await new Promise((resolve) => window.setTimeout(resolve, 1000 * 2 ** tries));
    }
    throw new Error(text.sendFailed);
  }

  connect();
}
