// The hand-off with two browsers, a visitor's and a counsellor's, against the real processes:
// presence, a queue that ends, a visitor who leaves. Run: node --test --test-concurrency=1 tests/web/
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { after, before, describe, it } = require("node:test");

const { logEntries, say, signIn, setUp, tearDown, openChat, waitForNotice } = require("./support");

const LEFT = "Den besøgende har forladt samtalen.";

let stack;
let browser;

before(async () => { ({ stack, browser } = await setUp()); }, { timeout: 400000 });
after(() => tearDown(stack, browser));

// The hand-off timing file the servers re-read (tests/e2e/stack.py writes the shipped one).
function timing(offerAfterMinutes, goneAfterSeconds) {
  fs.writeFileSync(path.join(stack.workdir, "handoff.yml"),
    `offer_callback_after_minutes: ${offerAfterMinutes}\nvisitor_gone_after_seconds: ${goneAfterSeconds}\n`);
}

async function askForCounsellor(page) {
  await say(page, "jeg vil gerne tale med en vejleder");
}

// Claims the newest waiting case from the console's queue and opens its page.
async function claimNewest(desk) {
  await desk.goto(stack.web + "/console");
  // A locator, not an element handle: the live queue may redraw its rows between finding the
  // button and clicking it, and a locator finds the button again.
  await desk.locator("form[action$='/claim'] button").last().click({ timeout: 30000 });
  await desk.waitForURL(/\/console\/cases\/\d+/);
}

async function transcriptLines(desk) {
  return desk.$$eval("#samtale .text", (items) => items.map((item) => item.textContent));
}

describe("a hand-off that never leaves anyone waiting", () => {
  it("offers a callback, not a queue, once the counsellor's tab is closed", { timeout: 180000 }, async () => {
    timing(5, 120);
    const deskContext = await browser.newContext();
    await signIn(stack, deskContext);
    // As if 90 s had passed: the open tab checks in again within its 2-second poll.
    await stack.command("forget-presence");
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const first = await browser.newContext();
    const queued = await openChat(stack, first);
    await askForCounsellor(queued);
    await queued.waitForSelector(".evw-queue:not([hidden])", { timeout: 30000 });
    assert.match(await queued.textContent(".evw-queue-text"), /nummer 1 i køen til en eVejleder\. Ventetiden kan ikke beregnes/);
    await queued.click(".evw-cancel");
    await waitForNotice(queued, "Du har forladt køen");
    await first.close();

    await deskContext.close();  // the tab is closed: nothing checks in any more
    await stack.command("forget-presence");
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const second = await browser.newContext();
    const visitor = await openChat(stack, second);
    await askForCounsellor(visitor);
    const said = (await logEntries(visitor)).map(([, text]) => text).join("\n");
    assert.match(said, /ingen eVejleder ledig/);
    assert.match(said, /ringer eller skriver til dig/);
    assert.equal(await visitor.isHidden(".evw-queue"), true, "no queue");
    assert.deepEqual(visitor.problems, []);
    await second.close();
  });

  it("offers a callback after the configured wait, and the visitor may take it", { timeout: 180000 }, async () => {
    timing(0.1, 120);  // 6 seconds
    const deskContext = await browser.newContext();
    const desk = await signIn(stack, deskContext);
    const context = await browser.newContext();
    const visitor = await openChat(stack, context);
    await askForCounsellor(visitor);
    await visitor.waitForSelector(".evw-queue:not([hidden])", { timeout: 30000 });
    await visitor.waitForFunction(() => [...document.querySelectorAll(".evw-msg--bot")]
      .some((item) => item.textContent.includes("beholder du din plads i køen")), null, { timeout: 30000 });
    assert.equal(await visitor.isVisible(".evw-queue"), true, "the place is kept while the offer stands");
    await visitor.click(".evw-log > .evw-msg:last-child .evw-reply >> text=Ja, kontakt mig");
    await visitor.waitForFunction(() => [...document.querySelectorAll(".evw-msg--bot")]
      .some((item) => item.textContent.includes("telefonnummer eller hvilken e-mail")), null, { timeout: 30000 });
    const said = (await logEntries(visitor)).map(([, text]) => text).join("\n");
    assert.ok(!said.includes("givet videre"), "an answered message is not 'passed on'");
    await say(visitor, "20 30 40 50");
    await say(visitor, "Hvilken lederuddannelse passer til mig?");
    await say(visitor, "i morgen formiddag");
    await waitForNotice(visitor, "Du har forladt køen");
    await visitor.waitForSelector(".evw-queue", { state: "hidden" });
    await desk.reload();
    assert.match(await desk.textContent("body"), /\+45 20 30 40 50/);
    assert.deepEqual(visitor.problems, []);
    timing(5, 120);
    await context.close();
    await deskContext.close();
  });

  it("hides \"Din eVejleder skriver …\" when the message arrives", { timeout: 180000 }, async () => {
    timing(5, 120);
    const deskContext = await browser.newContext();
    const desk = await signIn(stack, deskContext);
    const context = await browser.newContext();
    const visitor = await openChat(stack, context);
    await askForCounsellor(visitor);
    await claimNewest(desk);
    await waitForNotice(visitor, "er nu med i samtalen");
    await desk.fill("#text", "Hej");
    await visitor.waitForSelector(".evw-typing:not([hidden])", { timeout: 30000 });
    assert.match(await visitor.textContent(".evw-typing"), /Din eVejleder skriver/);

    // She types on and sends at once: the fresh mark and the message travel together.
    await desk.evaluate(async () => {
      const form = document.querySelector("form[data-typing]");
      const body = new FormData();
      body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      await fetch(form.getAttribute("data-typing"), { method: "POST", credentials: "same-origin", body });
    });
    await desk.fill("#text", "Hej, jeg hedder Mette.");
    await desk.click("#ny-besked button[type=submit]");
    await visitor.waitForFunction(() => [...document.querySelectorAll(".evw-msg--counsellor")]
      .some((item) => item.textContent.includes("Hej, jeg hedder Mette.")), null, { timeout: 30000 });
    await visitor.waitForTimeout(1500);  // the typing stream has looked a few times since
    assert.equal(await visitor.isHidden(".evw-typing"), true, "no \"skriver\" after her message");
    assert.deepEqual(visitor.problems, []);
    await context.close();
    await deskContext.close();
  });

  it("shows the counsellor when the visitor starts afresh or closes the tab", { timeout: 240000 }, async () => {
    timing(5, 3);
    const deskContext = await browser.newContext();
    const desk = await signIn(stack, deskContext);

    // "Start forfra" during a live chat.
    const context = await browser.newContext();
    const visitor = await openChat(stack, context);
    await askForCounsellor(visitor);
    await claimNewest(desk);
    await waitForNotice(visitor, "er nu med i samtalen");
    await visitor.click(".evw-restart");
    await desk.waitForFunction((text) => document.body.textContent.includes(text), LEFT, { timeout: 30000 });
    assert.equal((await transcriptLines(desk)).filter((text) => text === LEFT).length, 1, "said once");
    assert.match(await desk.textContent("#sag-status"), /forladt samtalen/);
    await context.close();

    // A tab closed during a live chat: gone once the grace period (3 s here) has passed.
    const other = await browser.newContext();
    const leaving = await openChat(stack, other);
    await askForCounsellor(leaving);
    await claimNewest(desk);
    await waitForNotice(leaving, "er nu med i samtalen");
    await other.close();
    await desk.waitForFunction((text) => document.body.textContent.includes(text), LEFT, { timeout: 30000 });
    assert.equal((await transcriptLines(desk)).filter((text) => text === LEFT).length, 1, "said once");
    assert.deepEqual(desk.problems, []);
    timing(5, 120);
    await deskContext.close();
  });
});
