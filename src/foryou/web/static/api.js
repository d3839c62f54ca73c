// Calls to the Home Mixer's HTTP API. The admin token, if the page address carries one, goes out
// as X-Admin-Token on every request; errors become ApiError with the server's message.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function makeApi(token) {
  async function call(path, body) {
    const headers = { Accept: "application/json" };
    if (token) headers["X-Admin-Token"] = token;
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
  return { get: (path) => call(path), post: (path, body) => call(path, body) };
}

// One feed request: a dry run (nothing recorded as served) with trace and per-post score terms.
// If the server wants the admin token for traces, the feed is fetched again without the trace.
export async function fetchFeed(api, viewerId, overrides) {
  const body = {
    viewer_id: viewerId, dry_run: true, include_trace: true, include_score_terms: true,
    scoring_overrides: overrides,
  };
  try {
    return { response: await api.post("/v1/scored-posts", body), traceNote: "" };
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) throw err;
    const response = await api.post("/v1/scored-posts", { ...body, include_trace: false });
    return {
      response,
      traceNote: "The “everything considered” view needs the admin token: open this page with ?token=…",
    };
  }
}
