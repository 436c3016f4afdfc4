// The widget's copy of the chat after a callback, in headless Chromium against the real processes
// (action server, Rasa, `python -m bot web`, started as tests/web/ starts them): contact details
// the server removed are gone from the widget and its localStorage after a reload.
// Run: node --test --test-concurrency=1 tests/e2e/
"use strict";

const assert = require("node:assert/strict");
const { after, before, describe, it } = require("node:test");

const { say, setUp, tearDown, openChat } = require("../web/support");

const REDACTED = "[kontaktoplysning fjernet]";

let stack;
let browser;

before(async () => { ({ stack, browser } = await setUp()); }, { timeout: 400000 });
after(() => tearDown(stack, browser));

function randomDigits() {
  return String(20000000 + Math.floor(Math.random() * 70000000));
}

describe("removed contact details in the widget", () => {
  it("are nowhere in the widget or its storage after a reload", async () => {
    const digits = randomDigits();
    const phone = digits.replace(/(\d\d)(?=\d)/g, "$1 ");  // "23 45 67 89"
    const email = `anna.${digits}@gmail.com`;
    const context = await browser.newContext();
    const page = await openChat(stack, context);
    await say(page, "jeg vil gerne tale med en vejleder");
    await say(page, "ja tak");
    await say(page, phone);
    await say(page, `skriv også gerne til ${email} om lederuddannelser`);
    await say(page, "hverdage efter kl. 16");

    await page.reload();
    // The history from the server is merged in once the widget has reconnected.
    await page.waitForFunction((marker) => document.querySelector(".evw-log").textContent.includes(marker),
      REDACTED, { timeout: 30000 });
    await page.waitForFunction((marker) => Object.keys(localStorage)
      .some((key) => key.startsWith("evejleder-widget:") && localStorage.getItem(key).includes(marker)),
    REDACTED, { timeout: 30000 });
    const shown = await page.evaluate(() => document.body.innerText + document.body.innerHTML);
    const stored = await page.evaluate(() => Object.keys(localStorage)
      .map((key) => localStorage.getItem(key)).join("\n"));
    for (const [what, detail] of [["phone number", phone], ["phone number", digits], ["e-mail", email]]) {
      assert.ok(!shown.includes(detail), `the ${what} is not shown after the reload`);
      assert.ok(!stored.includes(detail), `the ${what} is not in localStorage after the reload`);
    }
    assert.deepEqual(page.problems, []);
    await context.close();
  });
});
