"use strict";
const form = document.getElementById("form");
const statusLine = document.getElementById("status");
const reportButton = document.getElementById("report");

function body() {
  const data = new FormData();
  const file = document.getElementById("file").files[0];
  if (file) data.append("file", file, file.name);
  else data.append("text", document.getElementById("text").value);
  for (const name of ["source_lang", "length", "api_key"]) {
    const value = document.getElementById(name).value.trim();
    if (value) data.append(name, value);
  }
  return data;
}

function say(message, error) {
  statusLine.textContent = message;
  statusLine.className = error ? "error" : "";
}

async function post(path) {
  const response = await fetch(path, {method: "POST", body: body()});
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { message = (await response.json()).error || message; } catch (e) {}
    throw new Error(message);
  }
  return response;
}

function cell(row, text, flagged) {
  const td = document.createElement("td");
  td.textContent = text;
  if (flagged) td.className = "flag";
  row.appendChild(td);
}

function show(result) {
  document.getElementById("summary").textContent = result.summary;
  const facts = result.source_lang + " \u2192 en \u00b7 " + result.pairs.length + " sentences \u00b7 " + result.signature;
  document.getElementById("facts").textContent = facts;
  document.getElementById("src-head").textContent = "Original (" + result.source_lang + ")";
  const rows = document.querySelector("#sbs tbody");
  rows.replaceChildren();
  for (const pair of result.pairs) {
    const row = document.createElement("tr");
    const flagged = (pair.flags || []).length > 0;
    cell(row, pair.source, flagged);
    cell(row, pair.translation, flagged);
    rows.appendChild(row);
  }
  document.getElementById("result").hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  say("Working\u2026");
  document.getElementById("go").disabled = true;
  try {
    const result = await (await post("/v1/summarise")).json();
    show(result);
    reportButton.disabled = false;
    say("Done.");
  } catch (error) {
    say(error.message, true);
  } finally {
    document.getElementById("go").disabled = false;
  }
});

reportButton.addEventListener("click", async () => {
  say("Building the report\u2026");
  try {
    const blob = await (await post("/v1/report")).blob();
    window.open(URL.createObjectURL(new Blob([blob], {type: "text/html"})), "_blank", "noopener");
    say("Report opened in a new tab.");
  } catch (error) {
    say(error.message, true);
  }
});
