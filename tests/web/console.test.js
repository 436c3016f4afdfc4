// Browser tests of the counsellor console for a day of chats, in headless Chromium against the
// real processes (tests/web/stack.py): one context for the visitor, one for the counsellor.
// Run: make test-web   (or: node --test --test-concurrency=1 tests/web/console.test.js)
"use strict";

const assert = require("node:assert/strict");
const path = require("node:path");
const { after, before, describe, it } = require("node:test");

const {
  say, signIn, assertAccessible, SCREENSHOTS, setUp, tearDown, openChat, waitForReply, countOf, logEntries,
} = require("./support");

let stack;
let browser;

before(async () => { ({ stack, browser } = await setUp()); }, { timeout: 400000 });
after(() => tearDown(stack, browser));

// Records desktop notifications and sounds instead of showing and playing them; the permission
// is granted as if the counsellor had said yes.
function recordAlerts() {
  window.__alerts = [];
  window.Notification = class {
    constructor(title, options) { window.__alerts.push(["notification", title, options.body]); }
    static requestPermission() { return Promise.resolve("granted"); }
  };
  window.Notification.permission = "granted";
  const original = window.AudioContext.prototype.createOscillator;
  window.AudioContext.prototype.createOscillator = function () {
    window.__alerts.push(["sound"]);
    return original.call(this);
  };
}

// A mark on the page's window: still there means the page was not loaded again.
const markPage = (page) => page.evaluate(() => { window.__samePage = true; });
const samePage = (page) => page.evaluate(() => window.__samePage === true);

describe("the console for a day of chats", () => {
  it("receives a new visitor without reloading and chats without reloading", { timeout: 300000 }, async () => {
    const deskContext = await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
    await deskContext.addInitScript(recordAlerts);
    const desk = await signIn(stack, deskContext);
    // The sound is off until the counsellor turns it on, with the keyboard here.
    assert.equal(await desk.isChecked("#lyd"), false);
    await desk.focus("#lyd");
    await desk.keyboard.press("Space");
    assert.equal(await desk.evaluate(() => localStorage.getItem("evejleder-console:lyd")), "1");
    await markPage(desk);
    const alertsBefore = await desk.evaluate(() => window.__alerts.length);

    const visitorContext = await browser.newContext();
    const visitor = await openChat(stack, visitorContext);
    await say(visitor, "hvad tjener en leder?");
    await say(visitor, "jeg vil gerne tale med en vejleder");
    await visitor.waitForSelector(".evw-queue:not([hidden])", { timeout: 30000 });

    // The new visitor appears in the open console: row, last question, tab title, sound, notification.
    await desk.waitForSelector("#koe-tabel tbody tr", { timeout: 30000 });
    assert.equal(await desk.textContent("#koe-tabel tbody tr .question"), "hvad tjener en leder?");
    assert.match(await desk.title(), /^\(1\) /);
    const alerts = (await desk.evaluate(() => window.__alerts)).slice(alertsBefore);
    assert.deepEqual(alerts.map(([kind]) => kind).sort(), ["notification", "sound"]);
    assert.equal(alerts.find(([kind]) => kind === "notification")[2], "hvad tjener en leder?");
    assert.ok(await samePage(desk), "the console was not reloaded");

    // Claim, then the queue stays beside the case.
    await desk.click("#koe-tabel form[action$='/claim'] button");
    await desk.waitForURL(/\/console\/cases\/\d+/);
    await desk.waitForSelector("aside #koe");
    await markPage(desk);

    // Sending keeps the page and the focus.
    const beforeCounsellor = await countOf(visitor, ".evw-log > .evw-msg--counsellor");
    await desk.focus("#text");
    await desk.keyboard.type("Hej, jeg er eVejleder. Hvad vil du gerne vide?");
    await desk.keyboard.press("Control+Enter");
    await waitForReply(visitor, beforeCounsellor, "counsellor");
    assert.equal((await logEntries(visitor)).filter(([who]) => who === "counsellor").at(-1)[1],
      "Hej, jeg er eVejleder. Hvad vil du gerne vide?");
    await desk.waitForFunction(() => document.getElementById("text").value === "");
    assert.equal(await desk.evaluate(() => document.activeElement.id), "text");
    // The conversation shows the sent message and the visitor's answer without a reload.
    await visitor.fill("#evw-input", "Hvordan bliver jeg afdelingsleder?");
    await visitor.press("#evw-input", "Enter");
    await desk.waitForFunction(() => [...document.querySelectorAll("#samtale .text")]
      .some((item) => item.textContent === "Hvordan bliver jeg afdelingsleder?"), null, { timeout: 30000 });
    assert.ok(await samePage(desk), "the case page was not reloaded");

    await assertAccessible(desk, "a case page with the queue beside it");
    await desk.screenshot({ path: path.join(SCREENSHOTS, "console-queue-beside-case.png"), fullPage: true });
    assert.deepEqual(desk.problems, []);
    await deskContext.close();
    await visitorContext.close();
  });
});
