// Browser tests of "Hjalp svaret?" in the widget and of the console's Indsigt page, in headless
// Chromium against the real processes (tests/web/stack.py). Run: make test-web
"use strict";

const assert = require("node:assert/strict");
const path = require("node:path");
const { after, before, describe, it } = require("node:test");

const { say, signIn, assertAccessible, SCREENSHOTS, setUp, tearDown, openChat } = require("./support");

const ANSWER = ".evw-log > .evw-msg--bot";

let stack;
let browser;

before(async () => { ({ stack, browser } = await setUp()); }, { timeout: 400000 });
after(() => tearDown(stack, browser));

describe("feedback on answers and the Indsigt page", () => {
  it("rates an answer once with the keyboard, adds a comment, and the counsellor sees it", { timeout: 240000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
    const page = await openChat(stack, context);
    // The welcome answers no question: nothing to rate.
    assert.equal(await page.$$eval(".evw-feedback", (items) => items.length), 0);

    // Only an answer from the article is rated (not a re-ask or an offer).
    await say(page, "hvad tjener en leder? ring på 12 34 56 78");
    const down = page.getByRole("button", { name: "Nej, svaret hjalp ikke" });
    await page.getByRole("button", { name: "Ja, svaret hjalp" }).waitFor();
    assert.equal(await page.$$eval(".evw-feedback", (items) => items.length), 1, "one question per answer");
    assert.equal(await page.$$eval(`${ANSWER} .evw-feedback`, (items) => items.length), 1);
    await assertAccessible(page, "the chat with the feedback buttons");

    await down.focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector(".evw-feedback-thanks");
    assert.equal(await page.$$eval(".evw-feedback-button", (items) => items.length), 0, "rated once");
    await page.getByLabel("Hvad manglede du? (valgfrit)").fill("mail mig på a@b.dk");
    await page.keyboard.press("Enter");
    await page.getByText("Tak for din kommentar.").waitFor();
    await assertAccessible(page, "the chat after a comment");

    await page.reload();  // the chat stays open after a reload
    await page.getByText("Tak for din kommentar.").waitFor();
    assert.equal(await page.$$eval(".evw-feedback-button", (items) => items.length), 0, "still rated after a reload");
    assert.deepEqual(page.problems, []);

    const counsellor = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const desk = await signIn(stack, counsellor);
    await desk.getByRole("link", { name: /Indsigt/ }).click();
    await desk.waitForURL(/\/console\/indsigt/);
    assert.notEqual(await desk.textContent("#tal-ned"), "0");
    // The charts a team would put on a screen: the period against the one before, the trend, and
    // what became of the questions, named in Danish (never an intent name).
    await desk.getByRole("table", { name: /og de 30 dage før/ }).waitFor();
    await desk.getByRole("img", { name: "Samtaler pr. dag" }).waitFor();
    const shares = await desk.getByRole("img", { name: "Spørgsmål efter, hvad assistenten gjorde" }).textContent();
    assert.match(shares, /Ikke forstået/);
    assert.doesNotMatch(await desk.locator("main").innerText(), /\b(nlu_fallback|greet|affirm|request_counsellor)\b/);
    const row = desk.locator("table.review tr", { hasText: "hvad tjener en leder? ring på [telefonnummer]" });
    await row.waitFor();
    assert.match(await row.textContent(), /\[e-mail\]/);
    // "Hvorfor": the visitor's 👎, next to what the assistant made of the question.
    assert.match(await row.locator("td").nth(3).textContent(), /Vurderet 👎/);
    assert.doesNotMatch(await desk.content(), /12 34 56 78|a@b\.dk/);
    await assertAccessible(desk, "the Indsigt page");
    await desk.screenshot({ path: path.join(SCREENSHOTS, "insight.png"), fullPage: true });

    await row.getByRole("button", { name: "Irrelevant" }).click();
    await desk.locator("table.review tr", { hasText: "Mærket: irrelevant" }).waitFor();
    assert.deepEqual(desk.problems, []);
    await counsellor.close();
    await context.close();
  });
});
