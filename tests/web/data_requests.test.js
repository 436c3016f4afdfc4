// Browser test of the console's page for a visitor's rights (Personoplysninger), in headless
// Chromium against the real processes (tests/web/stack.py). Run: make test-web
// (or: node --test --test-concurrency=1 tests/web/data_requests.test.js)
"use strict";

const assert = require("node:assert/strict");
const { after, before, describe, it } = require("node:test");

const { say, signIn, assertAccessible, setUp, tearDown, openChat, sessionIdOf } = require("./support");

let stack;
let browser;

before(async () => { ({ stack, browser } = await setUp()); }, { timeout: 400000 });
after(() => tearDown(stack, browser));

describe("a visitor's request to have their data deleted", () => {
  it("finds the visitor by phone number, deletes everything, and logs it", { timeout: 240000 }, async () => {
    const visitorContext = await browser.newContext();
    const visitor = await openChat(stack, visitorContext);
    await say(visitor, "hvad tjener en leder? ring gerne på 20 30 40 50");
    const sessionId = await sessionIdOf(visitor);
    assert.ok(sessionId);

    const counsellor = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const desk = await signIn(stack, counsellor);
    await desk.getByRole("link", { name: /Personoplysninger/ }).click();
    await desk.waitForURL(/\/console\/personoplysninger/);

    // Something that names no one: a Danish message, the markup shown as text.
    await desk.getByLabel("Samtale-id, telefonnummer eller e-mail").fill("<b>hvem</b>");
    await desk.getByRole("button", { name: "Find" }).click();
    await desk.locator("#fejl").waitFor();
    assert.match(await desk.textContent("#fejl"), /hverken et samtale-id/);

    await desk.getByLabel("Samtale-id, telefonnummer eller e-mail").fill("20304050");
    await desk.getByRole("button", { name: "Find" }).click();
    await desk.locator("#fundet code", { hasText: sessionId }).waitFor();
    await assertAccessible(desk, "the Personoplysninger page with a result");

    const asked = new Promise((resolve) => desk.once("dialog", (dialog) => {
      resolve(dialog.message());
      dialog.accept();
    }));
    await desk.getByRole("button", { name: "Slet alt om telefonnummer +45 20 30 40 50" }).click();
    assert.match(await asked, /Det kan ikke fortrydes/);
    await desk.getByText("Alt er slettet.").waitFor();
    const log = await desk.textContent("#adgangslog");
    assert.match(log, /Slettede/);
    assert.match(log, /phone:\+45 20 30 40 50/);

    await desk.getByLabel("Samtale-id, telefonnummer eller e-mail").fill(sessionId);
    await desk.getByRole("button", { name: "Find" }).click();
    await desk.getByText(/Ingen samtaler/).waitFor();
    // The refused search above answers 400 on purpose (the browser reports it); nothing else.
    assert.deepEqual(desk.problems, [
      "console: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
  });
});
