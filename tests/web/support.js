// Shared helpers of the browser tests: the real processes (tests/web/stack.py) and Chromium.
"use strict";

const { spawn } = require("node:child_process");
const path = require("node:path");
const readline = require("node:readline");
const { chromium } = require("playwright-core");
const assert = require("node:assert/strict");

const REPO = path.resolve(__dirname, "..", "..");
const PYTHON = path.join(REPO, ".venv", "bin", "python");
const AXE = require.resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// Starts tests/web/stack.py and talks to it line by line (see its docstring).
async function startStack() {
  const child = spawn(PYTHON, [path.join(__dirname, "stack.py")], {
    cwd: REPO, stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2", SQLALCHEMY_SILENCE_UBER_WARNING: "1" },
  });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", (line) => {
    let message;
    try { message = JSON.parse(line); } catch (error) { return; }
    const next = waiting.shift();
    if (next) { next(message); }
  });
  const nextMessage = (timeoutMs) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the test stack did not answer in time")), timeoutMs);
    waiting.push((message) => { clearTimeout(timer); resolve(message); });
  });
  const info = await nextMessage(300000);
  if (!info.ready) { child.kill(); throw new Error(`the test stack did not start: ${info.error}`); }
  return {
    ...info,
    async command(name) {
      const answer = nextMessage(300000);
      child.stdin.write(name + "\n");
      const result = await answer;
      if (!result.ok) { throw new Error(`${name} failed: ${result.error}`); }
      return result;
    },
    async stop() {
      child.stdin.end("quit\n");
      await new Promise((resolve) => {
        const timer = setTimeout(() => { child.kill("SIGKILL"); resolve(); }, 60000);
        child.on("exit", () => { clearTimeout(timer); resolve(); });
      });
    },
  };
}

function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// A page that fails the test on any script error or CSP violation.
async function watchedPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && !/favicon/.test(text) && !/status of 404/.test(text)) {
      page.problems.push(`console: ${text}`);
    }
  });
  return page;
}

// Texts of the chat log, as [who-class, text] pairs.
function logEntries(page) {
  return page.$$eval(".evw-log > .evw-msg", (items) => items.map((item) => {
    const kind = item.className.replace(/.*evw-msg--(\w+).*/, "$1");
    const text = item.querySelector(".evw-text, .evw-notice-text");
    return [kind, text ? text.textContent : ""];
  }));
}

async function countOf(page, selector) {
  return page.$$eval(selector, (items) => items.length);
}

// Waits until the log has more bot (or counsellor) messages than `before`.
async function waitForReply(page, before, kind = "bot", timeout = 30000) {
  await page.waitForFunction(
    ([selector, count]) => document.querySelectorAll(selector).length > count,
    [`.evw-log > .evw-msg--${kind}`, before], { timeout });
}

async function say(page, text, kind = "bot") {
  const before = await countOf(page, `.evw-log > .evw-msg--${kind}`);
  await page.fill("#evw-input", text);
  await page.press("#evw-input", "Enter");
  await waitForReply(page, before, kind);
  // Rasa has handled the message (and sent every part of its answer) once it acknowledges it.
  await page.waitForSelector(".evw-typing", { state: "hidden", timeout: 30000 });
  await page.waitForSelector(".evw-pending", { state: "detached", timeout: 30000 });
}

// Rasa's HTTP API, as the console uses it (server side, with the token).
async function pushBotMessage(stack, sessionId, text) {
  const url = `${stack.rasa}/conversations/${sessionId}/tracker/events` +
    `?token=${encodeURIComponent(stack.token)}&execute_side_effects=true&output_channel=socketio`;
  const response = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ event: "bot", text }),
  });
  if (!response.ok) { throw new Error(`Rasa refused the event: HTTP ${response.status}`); }
}

function sessionIdOf(page) {
  return page.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => name.startsWith("evejleder-widget:"));
    return key ? JSON.parse(localStorage.getItem(key)).sessionId : null;
  });
}

// The stack and a browser, once per test file. Screenshots go to var/screenshots/ (ignored);
// `make screenshots` points SCREENSHOTS_DIR at docs/screenshots/ to refresh the README's pictures.
const SCREENSHOTS = process.env.SCREENSHOTS_DIR || path.join(REPO, "var", "screenshots");

async function setUp() {
  const stack = await startStack();
  const browser = await launchBrowser();
  require("node:fs").mkdirSync(SCREENSHOTS, { recursive: true });
  return { stack, browser };
}

async function tearDown(stack, browser) {
  if (browser) { await browser.close(); }
  if (stack) { await stack.stop(); }
}

// The article page with the chat open and the whole welcome shown.
async function openChat(stack, context) {
  const page = await watchedPage(context);
  await page.goto(stack.web + "/");
  await page.click(".evw-launcher");
  await page.waitForSelector(".evw-log > .evw-msg--bot", { timeout: 30000 });
  // Rasa has acknowledged the greeting request: the whole welcome is there.
  await page.waitForSelector(".evw-typing", { state: "hidden", timeout: 30000 });
  return page;
}

// A counsellor signed in to the console (the test stack's first account, or `name`).
async function signIn(stack, context, name = stack.counsellor) {
  const page = await watchedPage(context);
  await page.goto(stack.web + "/console/login");
  await page.fill("#name", name);
  await page.fill("#password", stack.password);
  await page.click("form button[type=submit]");
  await page.waitForURL(stack.web + "/console");
  return page;
}

// A notice of the chat (not a message from the bot or a counsellor) that holds `fragment`.
async function waitForNotice(page, fragment, timeout = 30000) {
  await page.waitForFunction((text) => [...document.querySelectorAll(".evw-msg--notice")]
    .some((item) => item.textContent.includes(text)), fragment, { timeout });
}

async function assertAccessible(page, what) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
  }));
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    serious.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [],
    `no serious or critical accessibility violations on ${what}`);
}

module.exports = {
  REPO, startStack, launchBrowser, watchedPage, logEntries, countOf, waitForReply, say,
  pushBotMessage, sessionIdOf, signIn, assertAccessible, SCREENSHOTS, setUp, tearDown, openChat,
  waitForNotice,
};
