// The feed columns: one card per post (author, text, badges, score, move against the default) and
// the expandable "Why this score?" breakdown: predicted probabilities, weighted terms, score chain.

import { HEAD_LABELS, HEADS, fmt, h, pct } from "./dom.js";

export function renderFeed({ list, empty, response, defaultRanks, authorLabel }) {
  const posts = response.scored_posts;
  const which = list.id;
  list.replaceChildren(...posts.map((post, i) => renderPost(which, post, i, defaultRanks, authorLabel)));
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
  const out = [post.in_network
    ? h("span", { class: "badge in" }, "in-network")
    : h("span", { class: "badge oon" }, "out-of-network")];
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

function renderPost(which, post, rank, defaultRanks, authorLabel) {
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
  if (!post.phoenix_scores) {
    return [h("p", { class: "muted" }, "This post has no model predictions (the ranker was unavailable "
      + "or disabled), so its score comes from the fallback.")];
  }
  const scores = post.phoenix_scores;
  // Predictions are mostly small; bars are scaled to the post's largest one so they can be compared.
  const top = Math.max(1e-9, ...HEADS.map((head) => scores[head] || 0));
  const probs = h("ul", { class: "probs", "aria-label": "Predicted action probabilities" },
    HEADS.map((head) => {
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

function termRow(head, term, value, maxAbs) {
  const fill = h("span", { class: `fill ${term < 0 ? "neg" : "pos"}` });
  fill.style.width = `${(50 * Math.abs(term)) / maxAbs}%`;
  return h("tr", {},
    h("th", { scope: "row" }, HEAD_LABELS[head] || head),
    h("td", { class: "num" }, fmt(value ? term / value : 0)),
    h("td", { class: "num" }, head === "dwell_time" ? `${fmt(value, 3)} s` : pct(value)),
    h("td", { class: "num" }, fmt(term)),
    h("td", { class: "termbar" }, h("span", { class: "bar signed", "aria-hidden": "true" }, fill)));
}

function scoreChain(post) {
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
  return chain.join(" → ");
}

function termsTable(post) {
  const { terms, combined } = post.score_terms;
  const scores = post.phoenix_scores || {};
  const rows = Object.entries(terms).filter(([, v]) => v !== 0).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const maxAbs = Math.max(1e-12, ...rows.map(([, v]) => Math.abs(v)));
  const hidden = Object.keys(terms).length - rows.length;
  return [
    h("h4", {}, "Weighted terms that made the score"),
    h("table", { class: "terms" },
      h("thead", {}, h("tr", {},
        ["Action", "Weight", "Predicted", "Weight × predicted", "Contribution"].map(
          (t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.map(([head, term]) => termRow(head, term, scores[head] || 0, maxAbs))),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, "Sum"), h("td"), h("td"),
        h("td", { class: "num" }, fmt(combined)), h("td")))),
    hidden ? h("p", { class: "muted" }, `${hidden} actions contribute nothing (weight or prediction 0).`) : null,
    h("p", { class: "chain" }, scoreChain(post)),
  ];
}
