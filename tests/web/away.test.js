// A visitor who closes the tab, as the counsellor's console sees it: at once, not after the grace
// period, in the queue and on the case page; and when the case ends, the forms go.
// Run: node --test --test-concurrency=1 tests/web/away.test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { after, before, describe, it } = require("node:test");

const { say, signIn, setUp, tearDown, openChat, waitForNotice } = require("./support");

const LEFT = "Den besøgende har forladt samtalen.";
const AWAY = "Den besøgende har ikke forbindelse lige nu.";
const SENT_AWAY = "Den besøgende er ikke forbundet lige nu; beskeden vises, hvis den besøgende kommer tilbage.";

let stack;
let browser;

before(async () => { ({ stack, browser } = await setUp()); }, { timeout: 400000 });
after(() => tearDown(stack, browser));

// The hand-off timing file the servers re-read. A long grace here, so the steps during it are
// not raced by the watch on a slow machine; the test then shortens it to let the case end.
function goneAfter(seconds) {
  fs.writeFileSync(path.join(stack.workdir, "handoff.yml"),
    `offer_callback_after_minutes: 5\nvisitor_gone_after_seconds: ${seconds}\n`);
}

async function waitForText(page, selector, fragment, timeout = 30000) {
  await page.waitForFunction(([sel, text]) => {
    const node = document.querySelector(sel);
    return node && !node.hidden && node.textContent.includes(text);
  }, [selector, fragment], { timeout });
}

// A signed-in counsellor, and a visitor waiting in the queue for one.
async function queuedVisitor() {
  goneAfter(600);
  const deskContext = await browser.newContext();
  const desk = await signIn(stack, deskContext);
  const context = await browser.newContext();
  const visitor = await openChat(stack, context);
  await say(visitor, "jeg vil gerne tale med en vejleder");
  return { deskContext, desk, context, visitor };
}

describe("a visitor who closes the tab", () => {
  it("is marked in the queue at once and cannot be claimed", { timeout: 180000 }, async () => {
    const { deskContext, desk, context, visitor } = await queuedVisitor();
    await visitor.waitForSelector(".evw-queue:not([hidden])", { timeout: 30000 });
    await desk.goto(stack.web + "/console");
    await desk.waitForSelector("#koe-tabel form[action$='/claim'] button", { timeout: 30000 });
    await context.close();
    await waitForText(desk, "#koe-tabel .away", LEFT);
    assert.equal(await desk.locator("#koe-tabel form[action$='/claim']").count(), 0, "no claim button");
    assert.deepEqual(desk.problems, []);
    await deskContext.close();
  });

  it("is shown on the case page at once; after the grace the forms are gone", { timeout: 240000 }, async () => {
    const { deskContext, desk, context, visitor } = await queuedVisitor();
    await desk.goto(stack.web + "/console");
    // A locator: the live queue may redraw its rows between finding the button and clicking it.
    await desk.locator("#koe-tabel form[action$='/claim'] button").last().click({ timeout: 30000 });
    await desk.waitForURL(/\/console\/cases\/\d+/);
    await waitForNotice(visitor, "er nu med i samtalen");
    assert.equal(await desk.isHidden("#besoegende-vaek"), true, "no notice while the visitor is there");

    await context.close();
    await waitForText(desk, "#besoegende-vaek", AWAY);
    assert.match(await desk.textContent("#besoegende-vaek"), /afsluttes om \d+ sekunder/);
    await desk.fill("#text", "Er du der stadig?");
    await desk.click("#ny-besked button[type=submit]");
    await waitForText(desk, "#send-status", SENT_AWAY);

    goneAfter(1);  // the grace period runs out
    await waitForText(desk, "#besoegende-vaek", LEFT);
    await desk.waitForSelector("#ny-besked", { state: "detached", timeout: 30000 });
    for (const selector of ["#ny-besked", "#overdrag", "form[action$='/close']"]) {
      assert.equal(await desk.locator(selector).count(), 0, `${selector} is gone`);
    }
    assert.deepEqual(desk.problems, []);
    goneAfter(600);
    await deskContext.close();
  });
});
