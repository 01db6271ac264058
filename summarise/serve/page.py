"""The web page at ``/``: paste text or upload a file, get the summary and the side-by-side view.

One response, no external assets: the CSS and the script are inline, allowed
by a Content-Security-Policy nonce, and the page talks only to this server
(``connect-src 'self'``).  Everything that comes from the article is put on
the page with ``textContent``, never as markup, so nothing in an article can
run or inject elements.  The full HTML report opens from a blob in a new tab.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

router = APIRouter()

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>summarise</title>
<style nonce="{nonce}">
*{{box-sizing:border-box}}
body{{margin:0;background:#f6f6f3;color:#1d1d1b;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}}
main{{max-width:1200px;margin:0 auto;padding:20px 24px}}
h1{{font:600 24px Georgia,serif;margin:0 0 12px}}
form{{background:#fff;border:1px solid #e2e2dc;border-radius:8px;padding:14px 16px}}
textarea{{width:100%;min-height:180px;font:14px/1.45 ui-monospace,Menlo,monospace;padding:8px}}
.row{{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin-top:10px}}
button{{font-size:15px;padding:6px 16px}}
#status{{color:#6b6b63}}
#status.error{{color:#b1321f}}
section{{background:#fff;border:1px solid #e2e2dc;border-radius:8px;padding:12px 16px;margin:16px 0}}
h2{{font-size:13px;letter-spacing:.06em;text-transform:uppercase;color:#6b6b63;margin:0 0 8px}}
#summary{{font-size:17px}}
table{{width:100%;border-collapse:collapse;table-layout:fixed}}
th{{text-align:left;font-size:13px;color:#6b6b63;border-bottom:2px solid #e2e2dc;padding:6px 8px}}
td{{vertical-align:top;padding:8px;border-bottom:1px solid #eeeee8;white-space:pre-wrap}}
td.flag{{background:#ffe3df}}
[hidden]{{display:none}}
</style>
</head>
<body>
<main>
<h1>summarise</h1>
<form id="form">
  <label for="text">Paste an article</label>
  <textarea id="text" name="text" placeholder="Paste the article here, or choose a file below."></textarea>
  <div class="row">
    <label>or upload a file <input id="file" name="file" type="file" accept=".txt,.md,.markdown,.html,.htm,text/*"></label>
    <label>Source <input id="source_lang" name="source_lang" value="auto" size="5"></label>
    <label>Length <select id="length" name="length"><option>short</option><option>medium</option><option>long</option></select></label>
    <label{key_hidden}>API key <input id="api_key" name="api_key" type="password" size="14" autocomplete="off"></label>
    <button id="go" type="submit">Summarise</button>
    <button id="report" type="button" disabled>Open HTML report</button>
  </div>
  <p id="status" role="status"></p>
</form>
<section id="result" hidden>
  <h2>Summary</h2>
  <p id="summary"></p>
  <p id="facts"></p>
  <h2>Side by side</h2>
  <table id="sbs"><thead><tr><th id="src-head">Original</th><th>English</th></tr></thead><tbody></tbody></table>
</section>
</main>
<script nonce="{nonce}">
"use strict";
const form = document.getElementById("form");
const statusLine = document.getElementById("status");
const reportButton = document.getElementById("report");

function body() {{
  const data = new FormData();
  const file = document.getElementById("file").files[0];
  if (file) data.append("file", file, file.name);
  else data.append("text", document.getElementById("text").value);
  for (const name of ["source_lang", "length", "api_key"]) {{
    const value = document.getElementById(name).value.trim();
    if (value) data.append(name, value);
  }}
  return data;
}}

function say(message, error) {{
  statusLine.textContent = message;
  statusLine.className = error ? "error" : "";
}}

async function post(path) {{
  const response = await fetch(path, {{method: "POST", body: body()}});
  if (!response.ok) {{
    let message = response.status + " " + response.statusText;
    try {{ message = (await response.json()).error || message; }} catch (e) {{}}
    throw new Error(message);
  }}
  return response;
}}

function cell(row, text, flagged) {{
  const td = document.createElement("td");
  td.textContent = text;
  if (flagged) td.className = "flag";
  row.appendChild(td);
}}

function show(result) {{
  document.getElementById("summary").textContent = result.summary;
  const facts = result.source_lang + " \\u2192 en \\u00b7 " + result.pairs.length + " sentences \\u00b7 " + result.signature;
  document.getElementById("facts").textContent = facts;
  document.getElementById("src-head").textContent = "Original (" + result.source_lang + ")";
  const rows = document.querySelector("#sbs tbody");
  rows.replaceChildren();
  for (const pair of result.pairs) {{
    const row = document.createElement("tr");
    const flagged = (pair.flags || []).length > 0;
    cell(row, pair.source, flagged);
    cell(row, pair.translation, flagged);
    rows.appendChild(row);
  }}
  document.getElementById("result").hidden = false;
}}

form.addEventListener("submit", async (event) => {{
  event.preventDefault();
  say("Working\\u2026");
  document.getElementById("go").disabled = true;
  try {{
    const result = await (await post("/v1/summarise")).json();
    show(result);
    reportButton.disabled = false;
    say("Done.");
  }} catch (error) {{
    say(error.message, true);
  }} finally {{
    document.getElementById("go").disabled = false;
  }}
}});

reportButton.addEventListener("click", async () => {{
  say("Building the report\\u2026");
  try {{
    const blob = await (await post("/v1/report")).blob();
    window.open(URL.createObjectURL(new Blob([blob], {{type: "text/html"}})), "_blank", "noopener");
    say("Report opened in a new tab.");
  }} catch (error) {{
    say(error.message, true);
  }}
}});
</script>
</body>
</html>
"""


def page(*, keys_required: bool) -> tuple[str, str]:
    """(html, nonce): the page with a fresh nonce for its inline style and script."""
    nonce = secrets.token_urlsafe(16)
    return _PAGE.format(nonce=nonce, key_hidden="" if keys_required else " hidden"), nonce


@router.get("/", include_in_schema=False)
async def index(request: Request):
    text, nonce = page(keys_required=request.app.state.summarise.keys.enabled)
    policy = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return HTMLResponse(text, headers={"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})
