// "Everything considered": every candidate of a request, from its trace (first-seen order), with
// the source(s) and rank that produced it, its fate, the filter and reason that removed it, and its
// scores. Column headers are buttons that sort (aria-sort says how).

import { $, fmt, h } from "./dom.js";

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

let sort = { key: "order", dir: 1 };
let last = null; // the arguments of the latest render, to re-render after a sort

export function fateOf(c) {
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

function rowsOf(trace, authorLabel) {
  return trace.candidates.map((c, order) => {
    const flat = {};
    for (const fields of Object.values(c.scores || {})) Object.assign(flat, fields);
    const fields = c.fields || {};
    const author = fields.author_screen_name ? `@${fields.author_screen_name}`
      : fields.author_id ? authorLabel(fields.author_id) : "–";
    const fate = fateOf(c);
    return {
      order: order + 1, id: c.id, author,
      // One row per post id: a post returned twice is one row; its later copies were dropped as duplicates.
      sources: (c.sources.map((s) => `${s.source} #${s.rank + 1}`).join(", ") || "–")
        + (c.sources.length > 1 ? " (duplicate copies dropped)" : ""),
      fate: fate.text, fateKind: fate.kind,
      filter: c.removed_by ? c.removed_by.filter : "",
      reason: c.removed_by ? c.removed_by.reason : "",
      weighted: typeof flat.weighted_score === "number" ? flat.weighted_score : null,
      score: typeof flat.score === "number" ? flat.score : null,
    };
  });
}

// Missing values sort last whichever the direction; ties keep first-seen order.
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

function renderHead() {
  $("considered-head").replaceChildren(...COLUMNS.map((col) => {
    const active = sort.key === col.key;
    const arrow = active ? (sort.dir > 0 ? " ▲" : " ▼") : "";
    return h("th", { scope: "col", "aria-sort": active ? (sort.dir > 0 ? "ascending" : "descending") : "none" },
      h("button", {
        type: "button", class: "sort", "data-key": col.key,
        onclick: () => {
          // Scores start high-to-low; everything else starts ascending.
          sort = { key: col.key, dir: active ? -sort.dir : col.numeric && col.key !== "order" ? -1 : 1 };
          renderConsidered(last);
          document.querySelector(`#considered-head button[data-key="${col.key}"]`).focus();
        },
      }, col.label, h("span", { "aria-hidden": "true" }, arrow)));
  }));
}

export function renderConsidered(args) {
  last = args;
  const { response, traceNote, fateFilter, authorLabel } = args;
  renderHead();
  const empty = $("considered-empty");
  const body = $("considered-body");
  if (!response.trace) {
    body.replaceChildren();
    $("considered-summary").textContent = "";
    empty.hidden = false;
    empty.textContent = traceNote || "This response carries no trace.";
    return;
  }
  const all = rowsOf(response.trace, authorLabel);
  const rows = all.filter((r) => fateFilter === "all" || r.fateKind === fateFilter);
  const col = COLUMNS.find((c) => c.key === sort.key);
  rows.sort(compareRows(col.key, col.numeric, sort.dir));
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
