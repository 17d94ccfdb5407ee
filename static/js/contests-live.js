// A live round on stage (contests/views/live.py): the projector's display, the judge's phone and the
// chair's desk each poll a small JSON answer with the ETag they were last given; a 304 means nothing
// changed and costs the server one cache read. Without scripts the display reloads itself (noscript
// refresh) and the phone and the desk are plain forms.

const PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
const ARABIC = "٠١٢٣٤٥٦٧٨٩";
const persianPage = () => document.documentElement.lang.startsWith("fa");

// A number in the reader's digits: Persian digits and the Arabic decimal separator on a Persian page.
const readers = (text) =>
  persianPage() ? String(text).replace(/[0-9]/g, (d) => PERSIAN[d]).replace(".", "٫") : String(text);

// A number typed on any keyboard, as the server and parseFloat read it.
const latin = (text) =>
  String(text)
    .trim()
    .replace(/[۰-۹]/g, (d) => String(PERSIAN.indexOf(d)))
    .replace(/[٠-٩]/g, (d) => String(ARABIC.indexOf(d)))
    .replace("٫", ".")
    .replace(",", ".");

// Polls ``url`` every ``every`` ms with If-None-Match; calls ``changed`` with each new body. A failed
// request (the connection dropped) is simply tried again at the next tick.
function poll(url, every, changed) {
  let etag = null;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      const response = await fetch(url, { headers, cache: "no-store", credentials: "same-origin" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        changed(await response.json());
      }
    } catch {
      // offline for now: the next tick tries again
    } finally {
      busy = false;
    }
  };
  tick();
  return setInterval(tick, every);
}

const show = (element, visible) => {
  if (element) element.hidden = !visible;
};

// --- the projector's display ------------------------------------------------------------------------

function display(root) {
  const field = (name) => root.querySelector(`[data-field="${name}"]`);
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const render = (state) => {
    const turn = state.turn;
    const kicker = field("kicker");
    kicker.textContent = !turn ? kicker.dataset.textNone : turn.open ? kicker.dataset.textOpen : kicker.dataset.textClosed;
    show(part("who"), Boolean(turn));
    if (turn) {
      field("number").textContent = turn.number;
      field("name").textContent = turn.name;
      field("zone").textContent = turn.zone;
      field("scored").textContent = turn.scored_text;
      field("result").textContent = turn.result;
    }
    show(field("scored"), Boolean(turn && turn.open));
    show(field("result"), Boolean(turn && !turn.open));
    const list = part("ranking");
    list.replaceChildren(
      ...state.ranking.map((row) => {
        const item = document.createElement("li");
        if (row.last) item.className = "last";
        for (const [name, text] of [["place", row.place], ["name", row.name], ["zone", row.zone], ["result", row.result]]) {
          const span = document.createElement("span");
          span.className = name;
          span.textContent = text;
          item.append(span);
        }
        return item;
      }),
    );
    show(part("empty"), state.ranking.length === 0);
    root.dataset.version = String(state.version ?? "");
  };
  poll(root.dataset.stateUrl, 1000, render);
}

// --- the judge's phone ------------------------------------------------------------------------------

function newKey() {
  // crypto.randomUUID needs a secure context; a hall's local network may serve plain http.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function judge(root) {
  const form = root.querySelector('[data-part="form"]');
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const field = (name) => root.querySelector(`[data-field="${name}"]`);
  const inputs = [...form.querySelectorAll("input[data-criterion]")];
  const sendButton = form.querySelector(".live-send");
  const text = root.dataset;
  let turn = form.elements.turn.value || null;
  let retry = null;

  const storageKey = (id) => `zones-portal:live:${text.round}:${text.judge}:${id}`;
  const load = (id) => {
    try {
      return JSON.parse(localStorage.getItem(storageKey(id)) || "null");
    } catch {
      return null;
    }
  };
  const save = (id, record) => {
    try {
      localStorage.setItem(storageKey(id), JSON.stringify(record));
    } catch {
      // private mode or full: the page still sends, it just cannot survive a reload
    }
  };

  const problem = (message) => {
    part("problem").textContent = message || "";
    show(part("problem"), Boolean(message));
  };
  const received = (sentence) => {
    field("received").textContent = sentence;
    show(part("received"), Boolean(sentence));
    show(form, !sentence && turn !== null && part("conflict").hidden);
  };

  const record = () => {
    const stored = load(turn) || { key: form.elements.request_key.value || newKey(), values: {}, pending: false };
    return stored;
  };
  const remember = () => {
    if (!turn) return;
    const stored = record();
    for (const input of inputs) stored.values[input.dataset.criterion] = input.value;
    save(turn, stored);
  };

  const fieldErrors = (errors) => {
    for (const input of inputs) {
      const messages = errors[`criterion_${input.dataset.criterion}`] || [];
      const slot = root.querySelector(`[data-error-for="${input.dataset.criterion}"]`);
      slot.textContent = messages.join(" ");
      show(slot, messages.length > 0);
      input.toggleAttribute("aria-invalid", messages.length > 0);
    }
  };

  async function send() {
    const id = turn;
    const stored = load(id);
    if (!stored || !stored.pending) return;
    clearTimeout(retry);
    sendButton.disabled = true;
    problem(text.textSending);
    let response;
    try {
      response = await fetch(text.scoreUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
        },
        body: JSON.stringify({ turn: Number(id), request_key: stored.key, values: stored.values }),
      });
    } catch {
      problem(text.textOffline);
      sendButton.disabled = false;
      retry = setTimeout(send, 2000);
      return;
    }
    sendButton.disabled = false;
    if (response.status >= 500) {
      problem(text.textFailed);
      retry = setTimeout(send, 3000);
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (id !== turn) return; // the stage moved on while this was in flight
    if (response.ok || answer.already) {
      save(id, { ...stored, pending: false, received: answer.received });
      problem(answer.already ? answer.message : "");
      received(answer.received);
      return;
    }
    save(id, { ...stored, pending: false });
    fieldErrors(answer.errors || {});
    problem(answer.message || text.textFailed);
    if (answer.closed) show(form, false);
  }

  const enterTurn = (state) => {
    const next = state.turn ? String(state.turn.id) : null;
    show(part("waiting"), !next);
    show(part("contestant"), Boolean(next));
    if (next !== turn) {
      turn = next;
      problem("");
      fieldErrors({});
      form.elements.turn.value = next || "";
      if (next) {
        const stored = load(next) || { key: newKey(), values: {}, pending: false };
        save(next, stored);
        form.elements.request_key.value = stored.key;
        for (const input of inputs) input.value = stored.values[input.dataset.criterion] || "";
      }
    }
    if (!next) {
      show(form, false);
      show(part("received"), false);
      show(part("conflict"), false);
      return;
    }
    field("number").textContent = readers(state.turn.number);
    field("name").textContent = state.turn.name;
    field("zone").textContent = state.turn.zone;
    show(part("conflict"), state.turn.conflict);
    const stored = load(next);
    received(state.turn.received || (stored && stored.received) || "");
    if (stored && stored.pending && !state.turn.received) send();
  };

  for (const button of root.querySelectorAll(".live-step")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const input = root.querySelector(`#${button.dataset.for}`);
      const current = Number.parseFloat(latin(input.value)) || 0;
      // From the value as typed (17.5 + 1 = 18.5), to two places so 0.1 steps do not drift.
      const stepped = Math.round((current + Number(button.dataset.step)) * 100) / 100;
      const next = Math.min(Number(input.dataset.max), Math.max(0, stepped));
      input.value = readers(next);
      remember();
    });
  }
  for (const input of inputs) input.addEventListener("input", remember);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!turn) return;
    if (inputs.some((input) => latin(input.value) === "")) {
      problem(text.textMissing);
      return;
    }
    const stored = record();
    for (const input of inputs) stored.values[input.dataset.criterion] = latin(input.value);
    stored.pending = true;
    save(turn, stored);
    send();
  });
  window.addEventListener("online", () => send());

  // What was typed before a reload (or a dropped connection) comes back; an unsent score is sent.
  if (turn) {
    const stored = load(turn);
    if (stored) {
      form.elements.request_key.value = stored.key;
      for (const input of inputs) if (!input.value && stored.values[input.dataset.criterion]) input.value = readers(stored.values[input.dataset.criterion]);
      if (stored.pending) send();
    } else remember();
  }
  poll(text.stateUrl, 1500, enterTurn);
}

// --- the chair's desk -------------------------------------------------------------------------------

function desk(root) {
  let version = root.dataset.version;
  poll(root.dataset.versionUrl, 2000, async (answer) => {
    if (String(answer.version) === version) return;
    version = String(answer.version);
    try {
      const response = await fetch(window.location.href, { cache: "no-store", credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("[data-live-desk]");
      if (fresh) root.replaceChildren(...fresh.childNodes);
    } catch {
      // the next change tries again
    }
  });
}

const displayRoot = document.querySelector("[data-live-display]");
if (displayRoot) display(displayRoot);
const judgeRoot = document.querySelector("[data-live-judge]");
if (judgeRoot) judge(judgeRoot);
const deskRoot = document.querySelector("[data-live-desk]");
if (deskRoot) desk(deskRoot);
