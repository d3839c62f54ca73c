// The feed explorer's behaviour: pick a user, fetch their For You feed (a dry run with the trace and
// per-post score terms), render it, explain each score, list every considered candidate from the
// trace, and re-rank with per-request scoring overrides side by side with the default.
// Plain browser JavaScript, no dependencies. All text from the server goes in via textContent.
"use strict";

(() => {
  const HEAD_LABELS = {
    favorite: "Like", reply: "Reply", retweet: "Repost", photo_expand: "Photo expand", click: "Click",
    profile_click: "Profile click", vqv: "Video quality view", share: "Share", share_via_dm: "Share via DM",
    share_via_copy_link: "Share via link", dwell: "Dwell", quote: "Quote", quoted_click: "Quoted click",
    follow_author: "Follow author", not_interested: "Not interested", block_author: "Block author",
    mute_author: "Mute author", report: "Report", cont_dwell_time: "Dwell time (per second)",
    dwell_time: "Dwell time (s)",
  };
  const GROUPS = [
    { prefix: "scoring.weight.", title: "Action weights" },
    { prefix: "scoring.oon.", title: "Out-of-network" },
    { prefix: "scoring.author_diversity.", title: "Author diversity" },
  ];
  const COLUMNS = [
    { key: "order", label: "#", numeric: true },
    { key: "id", label: "Post", numeric: false },
    { key: "author", label: "Author", numeric: false },
    { key: "sources", label: "Source(s)", numeric: false },
    { key: "fate", label: "Fate", numeric: false },
    { key: "filter", label: "Removed by", numeric: false },
    { key: "reason", label: "Reason", numeric: false },
    { key: "weighted", label: "Weighted score", numeric: true },
    { key: "score", label: "Final score", numeric: true },
  ];

  const params = new URLSearchParams(window.location.search);
  const state = {
    token: params.get("token") || "",
    config: [],          // scoring.* parameter descriptions from the server
    viewer: null,        // {id, name}
    base: null,          // response with default scoring
    custom: null,        // response with the overrides, or null
    overrides: {},
    names: new Map(),    // user id → screen name, learned from responses and searches
    sort: { key: "order", dir: 1 },
    traceNote: "",
  };

  const $ = (id) => document.getElementById(id);

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function fmt(x, digits = 4) {
    if (x === null || x === undefined || Number.isNaN(x)) return "–";
    if (x === 0) return "0";
    const abs = Math.abs(x);
    if (abs >= 1e4 || abs < 1e-4) return x.toExponential(2);
    return Number(x.toPrecision(digits)).toString();
  }

  function pct(p) {
    return p === null || p === undefined ? "–" : `${(100 * p).toFixed(p < 0.1 ? 2 : 1)}%`;
  }

  // -- status line -------------------------------------------------------------------------------

  function setStatus(kind, message) {
    const el = $("status");
    el.className = `status ${kind}`;
    el.setAttribute("role", kind === "error" ? "alert" : "status");
    el.textContent = message;
    $("main").setAttribute("aria-busy", kind === "loading" ? "true" : "false");
  }

  // -- server calls ------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path, body) {
    const headers = { Accept: "application/json" };
    if (state.token) headers["X-Admin-Token"] = state.token;
    const init = { headers };
    if (body !== undefined) {
      init.method = "POST";
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      throw new ApiError(0, `the server did not answer (${err.message})`);
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = data && (data.error || data.detail);
      const text = typeof detail === "string" ? detail : JSON.stringify(detail || response.statusText);
      throw new ApiError(response.status, `${response.status}: ${text}`);
    }
    return data;
  }

  async function fetchFeed(viewerId, overrides) {
    const body = {
      viewer_id: viewerId, dry_run: true, include_trace: true, include_score_terms: true,
      scoring_overrides: overrides,
    };
    try {
      return await api("/v1/scored-posts", body);
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) throw err;
      // The server wants the admin token for traces: show the feed without the considered view.
      state.traceNote = "The “everything considered” view needs the admin token: open this page with ?token=…";
      return api("/v1/scored-posts", { ...body, include_trace: false });
    }
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

  // -- user picker -------------------------------------------------------------------------------

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
    let found = { available: false, users: [] };
    try {
      found = await api(`/v1/users/search?q=${encodeURIComponent(q)}&limit=20`);
    } catch (err) {
      setStatus("error", `User search failed: ${err.message}`);
    }
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
    if (users.length) {
      setStatus("idle", `${users.length} matching user${users.length === 1 ? "" : "s"}: choose one.`);
    } else if (found.available) {
      setStatus("empty", `No user matches “${q}”.`);
    } else {
      setStatus("empty", "This server has no user search; enter a numeric user id.");
    }
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
    const viewer = state.viewer;
    const who = viewer.name ? `@${viewer.name}` : `user ${viewer.id}`;
    state.traceNote = "";
    setStatus("loading", `Loading the feed of ${who}…`);
    $("reload").disabled = true;
    try {
      state.base = await fetchFeed(viewer.id, {});
      learnNames(state.base);
      if (Object.keys(state.overrides).length) {
        state.custom = await fetchFeed(viewer.id, state.overrides);
        learnNames(state.custom);
      }
    } catch (err) {
      setStatus("error", `Could not load the feed of ${who}: ${err.message}`);
      return;
    } finally {
      $("reload").disabled = false;
    }
    $("viewer-name").textContent = who;
    $("viewer-bar").hidden = false;
    $("views").hidden = false;
    renderAll();
    const count = state.base.scored_posts.length;
    const degraded = state.base.degraded ? ` Degraded: ${state.base.degraded_reasons.join(", ")}.` : "";
    setStatus(count ? "idle" : "empty",
      (count ? `Showing ${count} posts for ${who}.` : `The feed of ${who} is empty.`) + degraded
      + (state.traceNote ? ` ${state.traceNote}` : ""));
    if (moveFocus) $("viewer-title").focus();
  }

  // -- feed --------------------------------------------------------------------------------------

  function renderAll() {
    $("request-info").textContent = `request ${state.base.request_id} · dry run, nothing recorded as served`;
    renderFeed("default", state.base, null);
    renderCustom();
    renderConsidered();
  }

  function renderCustom() {
    const col = $("col-custom");
    const select = $("considered-request");
    const hadCustom = select.querySelector('option[value="custom"]');
    if (!state.custom) {
      col.hidden = true;
      $("columns").classList.remove("side-by-side");
      if (hadCustom) hadCustom.remove();
      select.value = "base";
      return;
    }
    col.hidden = false;
    $("columns").classList.add("side-by-side");
    if (!hadCustom) select.append(h("option", { value: "custom" }, "With your settings"));
    const defaultRanks = new Map(state.base.scored_posts.map((p, i) => [p.tweet_id, i]));
    renderFeed("custom", state.custom, defaultRanks);
    const moved = state.custom.scored_posts.filter((p, i) => defaultRanks.get(p.tweet_id) !== i).length;
    const changed = Object.keys(state.overrides).map((k) => k.replace("scoring.", "")).join(", ");
    $("custom-summary").textContent =
      `${moved} of ${state.custom.scored_posts.length} positions differ from the default. Changed: ${changed}.`;
  }

  function renderFeed(which, response, defaultRanks) {
    const list = $(`feed-${which}`);
    const empty = $(`feed-${which}-empty`);
    const posts = response.scored_posts;
    list.replaceChildren(...posts.map((post, i) => renderPost(which, post, i, defaultRanks)));
    empty.hidden = posts.length > 0;
    empty.textContent = "No posts: nothing was retrieved, or every candidate was filtered out. "
      + "“Everything considered” shows what happened to each candidate.";
  }

  function movement(post, rank, defaultRanks) {
    if (!defaultRanks) return null;
    const before = defaultRanks.get(post.tweet_id);
    if (before === undefined) return h("span", { class: "move new", title: "not in the default feed" }, "new");
    const delta = before - rank;
    if (delta === 0) return h("span", { class: "move same", title: "same position as the default" }, "=");
    const up = delta > 0;
    return h("span", {
      class: `move ${up ? "up" : "down"}`, title: `${up ? "up" : "down"} ${Math.abs(delta)} from #${before + 1}`,
    }, `${up ? "▲" : "▼"} ${Math.abs(delta)}`);
  }

  function badges(post) {
    const out = [];
    out.push(post.in_network
      ? h("span", { class: "badge in" }, "in-network")
      : h("span", { class: "badge oon" }, "out-of-network"));
    if (post.video_duration_ms) {
      out.push(h("span", { class: "badge video" }, `video ${(post.video_duration_ms / 1000).toFixed(0)} s`));
    }
    if (post.retweeted_tweet_id !== "0") out.push(h("span", { class: "badge plain" }, "repost"));
    if (post.in_reply_to_tweet_id !== "0") out.push(h("span", { class: "badge plain" }, "reply"));
    if (post.visibility && post.visibility.action === "INTERSTITIAL") {
      out.push(h("span", { class: "badge warn" }, `interstitial: ${post.visibility.labels.join(", ")}`));
    }
    return out;
  }

  function renderPost(which, post, rank, defaultRanks) {
    const panelId = `why-${which}-${post.tweet_id}`;
    const toggle = h("button", {
      type: "button", class: "why", "aria-expanded": "false", "aria-controls": panelId,
    }, "Why this score?");
    const panel = h("div", { id: panelId, class: "breakdown", hidden: true });
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      if (open && !panel.childElementCount) panel.append(...breakdown(post));
      panel.hidden = !open;
    });
    const reposter = post.retweeted_user_id !== "0" ? ` reposting ${authorLabel(post.retweeted_user_id)}` : "";
    return h("li", { class: "post", "data-post-id": post.tweet_id },
      h("div", { class: "post-head" },
        h("span", { class: "rank", "aria-label": `rank ${rank + 1}` }, `#${rank + 1}`),
        movement(post, rank, defaultRanks),
        h("span", { class: "author" }, authorLabel(post.author_id) + reposter),
        h("span", { class: "badges" }, badges(post)),
        h("span", { class: "score", title: "final score" }, "score ", h("b", {}, fmt(post.score)))),
      h("p", { class: "text" }, post.text || "(no text)"),
      h("p", { class: "post-id muted" }, `post ${post.tweet_id}`),
      toggle, panel);
  }

  function breakdown(post) {
    const scores = post.phoenix_scores || {};
    const heads = Object.keys(HEAD_LABELS).filter((k) => k !== "cont_dwell_time" && k !== "dwell_time");
    if (!post.phoenix_scores) {
      return [h("p", { class: "muted" }, "This post has no model predictions (the ranker was unavailable "
        + "or disabled), so its score comes from the fallback.")];
    }
    // Predictions are mostly small; bars are scaled to the post's largest one so they can be compared.
    const top = Math.max(1e-9, ...heads.map((head) => scores[head] || 0));
    const probs = h("ul", { class: "probs", "aria-label": "Predicted action probabilities" },
      heads.map((head) => {
        const p = scores[head] || 0;
        const fill = h("span", { class: "fill" });
        fill.style.width = `${Math.min(100, Math.max(0, (100 * p) / top))}%`;
        return h("li", {},
          h("span", { class: "label" }, HEAD_LABELS[head]),
          h("span", { class: "bar", role: "img", "aria-label": `${HEAD_LABELS[head]} ${pct(p)}` }, fill),
          h("span", { class: "num" }, pct(p)));
      }));
    const section = [
      h("h4", {}, "Predicted action probabilities"),
      h("p", { class: "muted" }, `Bars are scaled to the largest prediction of this post (${pct(top)}).`), probs,
      h("p", { class: "muted" }, `Expected dwell time: ${fmt(scores.dwell_time || 0, 3)} s`),
    ];
    if (post.score_terms) section.push(...termsTable(post));
    return section;
  }

  function termsTable(post) {
    const terms = post.score_terms.terms;
    const scores = post.phoenix_scores || {};
    const rows = Object.entries(terms).filter(([, v]) => v !== 0).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
    const maxAbs = Math.max(1e-12, ...rows.map(([, v]) => Math.abs(v)));
    const body = rows.map(([head, term]) => {
      const value = scores[head] || 0;
      const fill = h("span", { class: `fill ${term < 0 ? "neg" : "pos"}` });
      fill.style.width = `${(50 * Math.abs(term)) / maxAbs}%`;
      return h("tr", {},
        h("th", { scope: "row" }, HEAD_LABELS[head] || head),
        h("td", { class: "num" }, fmt(value ? term / value : 0)),
        h("td", { class: "num" }, head === "dwell_time" ? `${fmt(value, 3)} s` : pct(value)),
        h("td", { class: "num" }, fmt(term)),
        h("td", { class: "termbar" }, h("span", { class: "bar signed", "aria-hidden": "true" }, fill)));
    });
    const hidden = Object.keys(terms).length - rows.length;
    const combined = post.score_terms.combined;
    const chain = [`combined ${fmt(combined)}`,
      `weighted score ${fmt(post.weighted_score)}${combined < 0 ? " (negative: squeezed below the offset)" : " (+ offset)"}`];
    if (post.diversity_multiplier !== null && post.diversity_multiplier !== undefined) {
      const nth = post.diversity_position === null ? "" : ` (author's post #${post.diversity_position + 1})`;
      chain.push(`× author diversity ${fmt(post.diversity_multiplier)}${nth}`);
    }
    if (post.oon_factor !== null && post.oon_factor !== undefined && post.oon_factor !== 1) {
      chain.push(`× out-of-network ${fmt(post.oon_factor)}`);
    }
    chain.push(`= final score ${fmt(post.score)}`);
    return [
      h("h4", {}, "Weighted terms that made the score"),
      h("table", { class: "terms" },
        h("thead", {}, h("tr", {},
          ["Action", "Weight", "Predicted", "Weight × predicted", "Contribution"].map(
            (t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, body),
        h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, "Sum"), h("td"), h("td"),
          h("td", { class: "num" }, fmt(combined)), h("td")))),
      hidden ? h("p", { class: "muted" }, `${hidden} actions contribute nothing (weight or prediction 0).`) : null,
      h("p", { class: "chain" }, chain.join(" → ")),
    ];
  }

  // -- everything considered ---------------------------------------------------------------------

  function fateOf(c) {
    if (c.removed_by) return { kind: "removed", text: `removed (${c.removed_by.stage.replace("_", " ")})` };
    const sel = c.selection || {};
    if (sel.final_position !== null && sel.final_position !== undefined) {
      return { kind: "served", text: `served at #${sel.final_position + 1}` };
    }
    if (sel.truncated_by_result_size) return { kind: "unserved", text: "truncated by result size" };
    if (sel.sorted_rank !== null && sel.sorted_rank !== undefined && !sel.in_top_k) {
      return { kind: "unserved", text: `not selected (rank ${sel.sorted_rank + 1} > top K)` };
    }
    return { kind: "unserved", text: "not selected" };
  }

  function considerRows(trace) {
    return trace.candidates.map((c, order) => {
      const flat = {};
      for (const fields of Object.values(c.scores || {})) Object.assign(flat, fields);
      const fields = c.fields || {};
      const author = fields.author_screen_name ? `@${fields.author_screen_name}`
        : fields.author_id ? authorLabel(fields.author_id) : "–";
      const fate = fateOf(c);
      return {
        order: order + 1, id: c.id, author,
        sources: c.sources.map((s) => `${s.source} #${s.rank + 1}`).join(", ") || "–",
        fate: fate.text, fateKind: fate.kind,
        filter: c.removed_by ? c.removed_by.filter : "",
        reason: c.removed_by ? c.removed_by.reason : "",
        weighted: typeof flat.weighted_score === "number" ? flat.weighted_score : null,
        score: typeof flat.score === "number" ? flat.score : null,
      };
    });
  }

  function compareRows(key, numeric, dir) {
    return (a, b) => {
      const x = a[key];
      const y = b[key];
      const xMissing = x === null || x === "";
      const yMissing = y === null || y === "";
      if (xMissing || yMissing) return xMissing === yMissing ? a.order - b.order : xMissing ? 1 : -1;
      const c = numeric ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return c === 0 ? a.order - b.order : c * dir;
    };
  }

  function renderConsideredHead() {
    const row = $("considered-head");
    row.replaceChildren(...COLUMNS.map((col) => {
      const active = state.sort.key === col.key;
      const sortState = active ? (state.sort.dir > 0 ? "ascending" : "descending") : "none";
      const arrow = active ? (state.sort.dir > 0 ? " ▲" : " ▼") : "";
      return h("th", { scope: "col", "aria-sort": sortState },
        h("button", {
          type: "button", class: "sort", "data-key": col.key,
          onclick: () => {
            state.sort = { key: col.key, dir: active ? -state.sort.dir : col.numeric && col.key !== "order" ? -1 : 1 };
            renderConsidered();
            document.querySelector(`#considered-head button[data-key="${col.key}"]`).focus();
          },
        }, col.label, h("span", { "aria-hidden": "true" }, arrow)));
    }));
  }

  function renderConsidered() {
    renderConsideredHead();
    const which = $("considered-request").value === "custom" && state.custom ? state.custom : state.base;
    const empty = $("considered-empty");
    const body = $("considered-body");
    if (!which.trace) {
      body.replaceChildren();
      $("considered-summary").textContent = "";
      empty.hidden = false;
      empty.textContent = state.traceNote || "This response carries no trace.";
      return;
    }
    const all = considerRows(which.trace);
    const filter = $("considered-fate").value;
    const rows = all.filter((r) => filter === "all" || r.fateKind === filter);
    const col = COLUMNS.find((c) => c.key === state.sort.key);
    rows.sort(compareRows(col.key, col.numeric, state.sort.dir));
    const count = (kind) => all.filter((r) => r.fateKind === kind).length;
    $("considered-summary").textContent = `${all.length} candidates considered: ${count("served")} served, `
      + `${count("removed")} removed by filters, ${count("unserved")} scored but not served.`;
    empty.hidden = rows.length > 0;
    empty.textContent = all.length ? "No candidate matches this choice." : "No candidate was retrieved.";
    body.replaceChildren(...rows.map((r) => h("tr", { class: `fate-${r.fateKind}`, "data-post-id": r.id },
      h("td", { class: "num" }, r.order),
      h("td", { class: "mono" }, r.id),
      h("td", {}, r.author),
      h("td", {}, r.sources),
      h("td", {}, r.fate),
      h("td", { class: "filter-name" }, r.filter),
      h("td", { class: "mono" }, r.reason),
      h("td", { class: "num" }, fmt(r.weighted)),
      h("td", { class: "num" }, fmt(r.score)))));
  }

  // -- tabs --------------------------------------------------------------------------------------

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

  // -- scoring controls --------------------------------------------------------------------------

  function paramLabel(spec) {
    const last = spec.name.split(".").pop();
    if (spec.name.startsWith("scoring.weight.")) return HEAD_LABELS[last] || last;
    return { factor: "Factor", include_in_network_replies_reposts: "Also in-network replies and reposts",
      enabled: "Enabled", decay: "Decay per repeat", floor: "Floor" }[last] || last;
  }

  function renderTune() {
    const host = $("tune-fields");
    host.replaceChildren(...GROUPS.map((group) => {
      const specs = state.config.filter((s) => s.name.startsWith(group.prefix));
      return h("fieldset", { class: group.prefix === "scoring.weight." ? "weights" : "" },
        h("legend", {}, group.title),
        specs.map((spec) => {
          const id = `p-${spec.name.replaceAll(".", "-")}`;
          const title = `${spec.description}; server value ${spec.value}, SPEC default ${spec.default}`;
          if (spec.kind === "bool") {
            return h("div", { class: "field check" },
              h("input", { type: "checkbox", id, "data-param": spec.name, checked: Boolean(spec.value), title }),
              h("label", { for: id }, paramLabel(spec)));
          }
          return h("div", { class: "field" },
            h("label", { for: id }, paramLabel(spec)),
            h("input", {
              type: "number", id, "data-param": spec.name, value: spec.value, step: "any", title,
              min: spec.min, max: spec.max, inputmode: "decimal",
              oninput: markChanged,
            }));
        }));
    }));
    for (const input of host.querySelectorAll("input[type=checkbox]")) input.addEventListener("change", markChanged);
  }

  function markChanged(event) {
    const input = event.currentTarget;
    const spec = state.config.find((s) => s.name === input.dataset.param);
    const value = input.type === "checkbox" ? input.checked : Number(input.value);
    input.closest(".field").classList.toggle("changed", input.value === "" || value !== spec.value);
  }

  function readOverrides() {
    const overrides = {};
    const problems = [];
    for (const input of $("tune-fields").querySelectorAll("input[data-param]")) {
      const spec = state.config.find((s) => s.name === input.dataset.param);
      if (input.type === "checkbox") {
        if (input.checked !== Boolean(spec.value)) overrides[spec.name] = input.checked ? 1 : 0;
        continue;
      }
      const value = Number(input.value);
      const bad = input.value.trim() === "" || !Number.isFinite(value)
        || (spec.min !== null && value < spec.min) || (spec.max !== null && value > spec.max);
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      if (bad) problems.push(`${paramLabel(spec)} must be a number from ${spec.min} to ${spec.max}`);
      else if (value !== spec.value) overrides[spec.name] = value;
    }
    return { overrides, problems };
  }

  async function onRerank(event) {
    event.preventDefault();
    const { overrides, problems } = readOverrides();
    $("tune-error").textContent = problems.join(". ");
    if (problems.length) {
      $("tune-fields").querySelector('[aria-invalid="true"]').focus();
      return;
    }
    if (!state.viewer) {
      $("tune-error").textContent = "Pick a user first.";
      return;
    }
    state.overrides = overrides;
    if (!Object.keys(overrides).length) {
      state.custom = null;
      renderCustom();
      renderConsidered();
      setStatus("idle", "These settings equal the server's: only the default ranking is shown.");
      return;
    }
    setStatus("loading", "Re-ranking with your settings…");
    $("rerank").disabled = true;
    try {
      state.custom = await fetchFeed(state.viewer.id, overrides);
      learnNames(state.custom);
    } catch (err) {
      setStatus("error", `Re-ranking failed: ${err.message}`);
      return;
    } finally {
      $("rerank").disabled = false;
    }
    renderCustom();
    renderConsidered();
    setStatus("idle", `Re-ranked with ${Object.keys(overrides).length} changed setting(s); compare the two columns.`);
  }

  function onReset() {
    renderTune();
    $("tune-error").textContent = "";
    state.overrides = {};
    if (state.custom) {
      state.custom = null;
      renderCustom();
      renderConsidered();
    }
    setStatus("idle", "Scoring reset to the server's settings.");
  }

  // -- start -------------------------------------------------------------------------------------

  async function start() {
    $("token-state").textContent = state.token
      ? "Admin token from the page address is sent with each request."
      : "No admin token in the page address (add ?token=… if the server requires one for traces).";
    $("user-form").addEventListener("submit", onSearch);
    $("reload").addEventListener("click", () => loadBase(false));
    $("tune").addEventListener("submit", onRerank);
    $("reset").addEventListener("click", onReset);
    $("considered-fate").addEventListener("change", renderConsidered);
    $("considered-request").addEventListener("change", renderConsidered);
    for (const tab of document.querySelectorAll('[role="tab"]')) {
      tab.addEventListener("click", () => selectTab(tab));
      tab.addEventListener("keydown", onTabKey);
    }
    try {
      state.config = (await api("/v1/config/scoring")).parameters;
      renderTune();
    } catch (err) {
      setStatus("error", `Could not read the scoring settings: ${err.message}`);
    }
    const user = params.get("user");
    if (user && /^\d+$/.test(user)) await pickUser(user, "");
    else setStatus("idle", "Search for a user by id or screen name to see their feed.");
    document.body.dataset.ready = "true";
  }

  start();
})();
