// The scoring controls: one input per `scoring.*` parameter the page lets you change (action
// weights, out-of-network, author diversity), built from GET /v1/config/scoring, and the per-request
// overrides they add up to (only values that differ from the server's).

import { HEAD_LABELS, $, h } from "./dom.js";

const GROUPS = [
  { prefix: "scoring.weight.", title: "Action weights" },
  { prefix: "scoring.oon.", title: "Out-of-network" },
  { prefix: "scoring.author_diversity.", title: "Author diversity" },
];
const OTHER_LABELS = {
  factor: "Factor", include_in_network_replies_reposts: "Also in-network replies and reposts",
  enabled: "Enabled", decay: "Decay per repeat", floor: "Floor",
};

export function paramLabel(spec) {
  const last = spec.name.split(".").pop();
  if (spec.name.startsWith("scoring.weight.")) return HEAD_LABELS[last] || last;
  return OTHER_LABELS[last] || last;
}

function field(spec, config) {
  const id = `p-${spec.name.replaceAll(".", "-")}`;
  const title = `${spec.description}; server value ${spec.value}, SPEC default ${spec.default}`;
  const onChange = (event) => markChanged(event.currentTarget, config);
  if (spec.kind === "bool") {
    return h("div", { class: "field check" },
      h("input", { type: "checkbox", id, "data-param": spec.name, checked: Boolean(spec.value), title, onchange: onChange }),
      h("label", { for: id }, paramLabel(spec)));
  }
  return h("div", { class: "field" },
    h("label", { for: id }, paramLabel(spec)),
    h("input", {
      type: "number", id, "data-param": spec.name, value: spec.value, step: "any", title,
      min: spec.min, max: spec.max, inputmode: "decimal", oninput: onChange,
    }));
}

export function renderTune(config) {
  $("tune-fields").replaceChildren(...GROUPS.map((group) => h("fieldset",
    { class: group.prefix === "scoring.weight." ? "weights" : "" },
    h("legend", {}, group.title),
    config.filter((s) => s.name.startsWith(group.prefix)).map((spec) => field(spec, config)))));
}

function markChanged(input, config) {
  const spec = config.find((s) => s.name === input.dataset.param);
  const value = input.type === "checkbox" ? input.checked : Number(input.value);
  input.closest(".field").classList.toggle("changed", input.value === "" || value !== spec.value);
}

// Overrides as the API takes them (numbers; booleans as 1 / 0) and the problems that block sending.
export function readOverrides(config) {
  const overrides = {};
  const problems = [];
  for (const input of $("tune-fields").querySelectorAll("input[data-param]")) {
    const spec = config.find((s) => s.name === input.dataset.param);
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
