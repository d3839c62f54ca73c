// Small DOM and number-formatting helpers shared by the explorer's modules. Text always goes in
// through text nodes, never as HTML, so post text from the server cannot inject markup.

export const HEAD_LABELS = {
  favorite: "Like", reply: "Reply", retweet: "Repost", photo_expand: "Photo expand", click: "Click",
  profile_click: "Profile click", vqv: "Video quality view", share: "Share", share_via_dm: "Share via DM",
  share_via_copy_link: "Share via link", dwell: "Dwell", quote: "Quote", quoted_click: "Quoted click",
  follow_author: "Follow author", not_interested: "Not interested", block_author: "Block author",
  mute_author: "Mute author", report: "Report", cont_dwell_time: "Dwell time (per second)",
  dwell_time: "Dwell time (s)",
};

// The 18 action heads, in the ranker's order.
export const HEADS = Object.keys(HEAD_LABELS).filter((k) => k !== "cont_dwell_time" && k !== "dwell_time");

export const $ = (id) => document.getElementById(id);

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function fmt(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 1e4 || abs < 1e-4) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}

export function pct(p) {
  return p === null || p === undefined ? "–" : `${(100 * p).toFixed(p < 0.1 ? 2 : 1)}%`;
}
