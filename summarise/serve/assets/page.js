"use strict";
// The page: one form, two actions (Translate, Translate and summarise). The result JSON the server gives is
// kept as it came and shown through /v1/render (the report's own blocks); "Open report" posts that same JSON.
const form = document.getElementById("form");
const statusLine = document.getElementById("status");
const reportButton = document.getElementById("report");
const buttons = [document.getElementById("summarise"), document.getElementById("translate")];
const fileInput = document.getElementById("file");
const textBox = document.getElementById("text");
const source = document.getElementById("source");
const target = document.getElementById("target");
const resultBox = document.getElementById("result");
const rightToLeft = new Set(document.getElementById("app").dataset.rtl.split(" "));
let held = null;  // the last result, as the server sent it (JSON text)
let languages = [];

function say(message, error) {
  statusLine.textContent = message;
  statusLine.className = error ? "error" : "";
}

function apiKey() {
  return document.getElementById("api_key").value.trim();
}

// What a person reads when something goes wrong: what happened and what to do, without the server's internals.
function human(status, message) {
  if (status === 401 || status === 403) return "This server needs a valid API key: type it in the API key box and try again.";
  if (status === 413) return "The text is too long for this server: try a shorter part of it.";
  if (status === 429) return "The server is busy: wait a moment and try again.";
  if (status === 503) return "The server is busy or still starting: wait a moment and try again.";
  if (status >= 500) return "The server could not finish this text. Try again; if it keeps failing, try a shorter part.";
  const text = String(message || "").replace(/^Invalid request:\s*/i, "");
  if (/no translation model|not supported/i.test(text)) return "This server cannot translate from that language: choose another one in the From list.";
  if (/\/[\w.-]+\/|--[a-z]|\bregistry\b|models\.toml|source_lang/i.test(text)) {
    if (/language|detect/i.test(text)) return "The language of this text could not be told for sure: choose it in the From list.";
    return "The server could not read this request: check the text or the file, and the languages chosen.";
  }
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : "Something went wrong: try again.";
}

async function call(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new Error("The server cannot be reached: check the connection and try again.");
  }
  if (!response.ok) {
    let message = "";
    try { message = (await response.json()).error || ""; } catch (e) {}
    throw new Error(human(response.status, message));
  }
  return response;
}

function articleBody() {
  const data = new FormData();
  const file = fileInput.files[0];
  if (file) data.append("file", file, file.name);
  else data.append("text", textBox.value);
  data.append("source_lang", source.value);
  if (target.value !== "en") data.append("summary_lang", target.value);
  data.append("length", document.getElementById("length").value);
  if (apiKey()) data.append("api_key", apiKey());
  return data;
}

function languageName(code) {
  const entry = languages.find((language) => language.code === code);
  return entry ? entry.name : code;
}

function fillTargets() {
  const chosen = languages.find((language) => language.code === source.value);
  const codes = new Set();
  for (const language of (chosen ? [chosen] : languages)) for (const code of language.targets || []) codes.add(code);
  codes.delete("en");
  const keep = target.value;
  target.replaceChildren(new Option("English", "en"));
  for (const code of [...codes].sort()) target.appendChild(new Option("English, summary also in " + languageName(code), code));
  target.value = [...target.options].some((option) => option.value === keep) ? keep : "en";
  textBox.dir = rightToLeft.has(source.value) ? "rtl" : source.value === "auto" ? "auto" : "ltr";
}

async function loadLanguages() {
  try {
    languages = await (await call("/languages")).json();
  } catch (error) {
    say("The language list could not be loaded; the language will be detected.", true);
    return;
  }
  for (const language of languages) {
    if (language.code === "en") continue;
    source.appendChild(new Option(language.name + " (" + language.code + ")", language.code));
  }
  fillTargets();
}

async function show(json) {
  const query = "/v1/render?part=fragment";
  const headers = {"Content-Type": "application/json"};
  if (apiKey()) headers["X-API-Key"] = apiKey();
  const fragment = await (await call(query, {method: "POST", headers: headers, body: json})).text();
  const parsed = new DOMParser().parseFromString(fragment, "text/html");
  resultBox.replaceChildren(...[...parsed.body.children].map((node) => document.importNode(node, true)));
  resultBox.hidden = false;
}

function busy(on) {
  for (const button of buttons) button.disabled = on;
  form.setAttribute("aria-busy", on ? "true" : "false");
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const summarise = !(event.submitter && event.submitter.value === "translate");
  if (!fileInput.files[0] && !textBox.value.trim()) {
    say("Paste an article in the text box, or choose a file.", true);
    textBox.focus();
    return;
  }
  const verb = summarise ? "Translating and summarising" : "Translating";
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  say(verb + "\u2026");
  const clock = setInterval(() => say(verb + "\u2026 " + seconds() + " s"), 1000);
  busy(true);
  try {
    const response = await call(summarise ? "/v1/summarise" : "/v1/translate", {method: "POST", body: articleBody()});
    const json = await response.text();
    try {
      await show(json);
    } catch (error) {
      throw new Error("The text was translated, but the result could not be shown: " + error.message.charAt(0).toLowerCase() + error.message.slice(1));
    }
    held = json;
    reportButton.disabled = false;
    clearInterval(clock);
    const note = !summarise && target.value !== "en" ? " (a summary in another language comes with Translate and summarise)" : "";
    say("Done in " + seconds() + " s." + note);
    resultBox.scrollIntoView({block: "start"});
    resultBox.focus({preventScroll: true});
  } catch (error) {
    clearInterval(clock);
    say(error.message, true);
  } finally {
    busy(false);
  }
});

reportButton.addEventListener("click", () => {
  if (held === null) return;
  document.getElementById("report-result").value = held;
  document.getElementById("report-key").value = apiKey();
  document.getElementById("report-form").submit();
  say("The report opened in a new tab.");
});

fileInput.addEventListener("change", () => {
  const file = fileInput.files[0];
  document.getElementById("clear-file").hidden = !file;
  if (file) say("The file " + file.name + " will be read; the text box is set aside.");
});

document.getElementById("clear-file").addEventListener("click", () => {
  fileInput.value = "";
  document.getElementById("clear-file").hidden = true;
  say("");
  fileInput.focus();
});

source.addEventListener("change", fillTargets);
loadLanguages();
