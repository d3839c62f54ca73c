// The feed explorer's entry point: page state, the user picker, loading the default and the
// re-ranked feed, the tabs, and the status line (loading / empty / error). Rendering lives in
// feed.js, considered.js and tune.js; server calls in api.js. Plain browser JavaScript modules.

import { fetchFeed, makeApi } from "./api.js";
import { renderConsidered } from "./considered.js";
import { $, h } from "./dom.js";
import { renderFeed } from "./feed.js";
import { readOverrides, renderTune } from "./tune.js";

const pageParams = new URLSearchParams(window.location.search);
const state = {
  token: pageParams.get("token") || "",
  config: [],          // scoring.* parameter descriptions from the server
  viewer: null,        // {id, name}
  base: null,          // response with the server's scoring
  custom: null,        // response with the overrides, or null
  overrides: {},
  names: new Map(),    // user id → screen name, learned from responses and searches
  traceNote: "",
  baseSeq: 0,          // bumped per load of the default feed; answers to superseded loads are dropped
  customSeq: 0,        // bumped per re-rank or reset; likewise for the re-ranked feed
};
const api = makeApi(state.token);

function setStatus(kind, message) {
  const el = $("status");
  el.className = `status ${kind}`;
  el.setAttribute("role", kind === "error" ? "alert" : "status");
  el.textContent = message;
  $("main").setAttribute("aria-busy", kind === "loading" ? "true" : "false");
}

function learnNames(response) {
  for (const post of response.scored_posts) {
    for (const [id, name] of Object.entries(post.screen_names || {})) state.names.set(id, name);
  }
}

function authorLabel(id) {
  const name = state.names.get(String(id));
  return name ? `@${name}` : `user ${id}`;
}

async function loadFeed(overrides) {
  const { response, traceNote } = await fetchFeed(api, state.viewer.id, overrides);
  learnNames(response);
  if (traceNote) state.traceNote = traceNote;
  return response;
}

// -- user picker ---------------------------------------------------------------------------------

async function searchUsers(q) {
  try {
    return await api.get(`/v1/users/search?q=${encodeURIComponent(q)}&limit=20`);
  } catch (err) {
    setStatus("error", `User search failed: ${err.message}`);
    return { available: false, users: [], failed: true };
  }
}

async function onSearch(event) {
  event.preventDefault();
  const q = $("user-q").value.trim();
  const list = $("user-results");
  list.replaceChildren();
  if (!q) {
    setStatus("error", "Type a user id or a screen name first.");
    $("user-q").focus();
    return;
  }
  setStatus("loading", `Searching users for “${q}”…`);
  const found = await searchUsers(q);
  const users = found.users.slice();
  if (/^\d+$/.test(q) && q !== "0" && !users.some((u) => u.id === q)) users.unshift({ id: q, screen_name: "" });
  for (const user of users) {
    if (user.screen_name) state.names.set(user.id, user.screen_name);
    const label = user.screen_name ? `@${user.screen_name} (id ${user.id})` : `User id ${user.id}`;
    list.append(h("li", {}, h("button", {
      type: "button", class: "user-choice", "data-user-id": user.id,
      onclick: () => pickUser(user.id, user.screen_name),
    }, label)));
  }
  if (found.failed) return;
  if (users.length) setStatus("idle", `${users.length} matching user${users.length === 1 ? "" : "s"}: choose one.`);
  else if (found.available) setStatus("empty", `No user matches “${q}”.`);
  else setStatus("empty", "This server has no user search; enter a numeric user id.");
}

async function pickUser(id, name) {
  state.viewer = { id: String(id), name: name || state.names.get(String(id)) || "" };
  state.custom = null;
  const url = new URL(window.location.href);
  url.searchParams.set("user", state.viewer.id);
  window.history.replaceState(null, "", url);
  await loadBase(true);
}

async function loadBase(moveFocus) {
  const who = state.viewer.name ? `@${state.viewer.name}` : `user ${state.viewer.id}`;
  const seq = ++state.baseSeq;
  const customSeq = ++state.customSeq;
  state.traceNote = "";
  setStatus("loading", `Loading the feed of ${who}…`);
  $("reload").disabled = true;
  let base;
  let custom;
  try {
    base = await loadFeed({});
    custom = Object.keys(state.overrides).length ? await loadFeed(state.overrides) : null;
  } catch (err) {
    if (seq === state.baseSeq) setStatus("error", `Could not load the feed of ${who}: ${err.message}`);
    return;
  } finally {
    $("reload").disabled = false;
  }
  if (seq !== state.baseSeq) return;
  state.base = base;
  if (customSeq === state.customSeq) state.custom = custom;
  $("viewer-name").textContent = who;
  $("viewer-bar").hidden = false;
  $("views").hidden = false;
  renderAll();
  const count = state.base.scored_posts.length;
  const degraded = state.base.degraded ? ` Degraded: ${state.base.degraded_reasons.join(", ")}.` : "";
  const note = state.traceNote ? ` ${state.traceNote}` : "";
  if (count) setStatus("idle", `Showing ${count} posts for ${who}.${degraded}${note}`);
  else setStatus("empty", `The feed of ${who} is empty.${degraded}${note}`);
  if (moveFocus) $("viewer-title").focus();
}

// -- rendering -----------------------------------------------------------------------------------

function renderAll() {
  $("request-info").textContent = `request ${state.base.request_id} · dry run, nothing recorded as served`;
  renderFeed({
    list: $("feed-default"), empty: $("feed-default-empty"), response: state.base, defaultRanks: null, authorLabel,
  });
  renderCustom();
  showConsidered();
}

function renderCustom() {
  const select = $("considered-request");
  const customOption = select.querySelector('option[value="custom"]');
  $("col-custom").hidden = !state.custom;
  $("columns").classList.toggle("side-by-side", Boolean(state.custom));
  if (!state.custom) {
    if (customOption) customOption.remove();
    select.value = "base";
    return;
  }
  if (!customOption) select.append(h("option", { value: "custom" }, "With your settings"));
  const defaultRanks = new Map(state.base.scored_posts.map((p, i) => [p.tweet_id, i]));
  renderFeed({
    list: $("feed-custom"), empty: $("feed-custom-empty"), response: state.custom, defaultRanks, authorLabel,
  });
  const moved = state.custom.scored_posts.filter((p, i) => defaultRanks.get(p.tweet_id) !== i).length;
  const changed = Object.keys(state.overrides).map((k) => k.replace("scoring.", "")).join(", ");
  $("custom-summary").textContent =
    `${moved} of ${state.custom.scored_posts.length} positions differ from the default. Changed: ${changed}.`;
}

function showConsidered() {
  const custom = $("considered-request").value === "custom" && state.custom;
  renderConsidered({
    response: custom ? state.custom : state.base,
    traceNote: state.traceNote,
    fateFilter: $("considered-fate").value,
    authorLabel,
  });
}

// -- tabs ----------------------------------------------------------------------------------------

function selectTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const on = other === tab;
    other.setAttribute("aria-selected", String(on));
    other.tabIndex = on ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !on;
  }
}

function onTabKey(event) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const i = tabs.indexOf(event.currentTarget);
  const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const tab = tabs[(next + tabs.length) % tabs.length];
  selectTab(tab);
  tab.focus();
}

// -- scoring controls ----------------------------------------------------------------------------

async function onRerank(event) {
  event.preventDefault();
  const { overrides, problems } = readOverrides(state.config);
  $("tune-error").textContent = problems.join(". ");
  if (problems.length) {
    $("tune-fields").querySelector('[aria-invalid="true"]').focus();
    return;
  }
  if (!state.viewer || !state.base) {
    $("tune-error").textContent = "Pick a user and wait for their feed first.";
    return;
  }
  state.overrides = overrides;
  if (!Object.keys(overrides).length) {
    state.customSeq += 1;
    state.custom = null;
    renderCustom();
    showConsidered();
    setStatus("idle", "These settings equal the server's: only the default ranking is shown.");
    return;
  }
  const seq = ++state.customSeq;
  setStatus("loading", "Re-ranking with your settings…");
  $("rerank").disabled = true;
  let custom;
  try {
    custom = await loadFeed(overrides);
  } catch (err) {
    if (seq === state.customSeq) setStatus("error", `Re-ranking failed: ${err.message}`);
    return;
  } finally {
    $("rerank").disabled = false;
  }
  if (seq !== state.customSeq) return;
  state.custom = custom;
  renderCustom();
  showConsidered();
  setStatus("idle", `Re-ranked with ${Object.keys(overrides).length} changed setting(s); compare the two columns.`);
}

function onReset() {
  renderTune(state.config);
  $("tune-error").textContent = "";
  state.overrides = {};
  state.customSeq += 1;
  if (state.custom) {
    state.custom = null;
    renderCustom();
    showConsidered();
  }
  setStatus("idle", "Scoring reset to the server's settings.");
}

// -- start ---------------------------------------------------------------------------------------

async function start() {
  $("token-state").textContent = state.token
    ? "Admin token from the page address is sent with each request."
    : "No admin token in the page address (add ?token=… if the server requires one for traces).";
  $("user-form").addEventListener("submit", onSearch);
  $("reload").addEventListener("click", () => loadBase(false));
  $("tune").addEventListener("submit", onRerank);
  $("reset").addEventListener("click", onReset);
  $("considered-fate").addEventListener("change", showConsidered);
  $("considered-request").addEventListener("change", showConsidered);
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", onTabKey);
  }
  try {
    state.config = (await api.get("/v1/config/scoring")).parameters;
    renderTune(state.config);
  } catch (err) {
    setStatus("error", `Could not read the scoring settings: ${err.message}`);
  }
  const user = pageParams.get("user");
  if (user && /^\d+$/.test(user)) {
    const match = (await searchUsers(user)).users.find((u) => u.id === user);
    await pickUser(user, match ? match.screen_name : "");
  }
  else if (!$("status").classList.contains("error")) {
    setStatus("idle", "Search for a user by id or screen name to see their feed.");
  }
  document.body.dataset.ready = "true";
}

start();
