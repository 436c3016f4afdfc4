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

    // Typing is shown both ways, and no text travels before it is sent.
    await visitor.type("#evw-input", "Og hvad med");
    await desk.waitForSelector("#besoegende-skriver:not([hidden])", { timeout: 30000 });
    assert.equal(await desk.textContent("#besoegende-skriver"), "Den besøgende skriver …");
    assert.ok(!(await desk.textContent("body")).includes("Og hvad med"));
    await desk.type("#text", "Et øjeblik");
    await visitor.waitForFunction(() => {
      const typing = document.querySelector(".evw-typing");
      return !typing.hidden && typing.textContent.includes("Din eVejleder skriver …");
    }, null, { timeout: 30000 });
    // The message ends "Din eVejleder skriver …" as it arrives, not seconds later.
    const beforeMoment = await countOf(visitor, ".evw-log > .evw-msg--counsellor");
    await desk.press("#text", "Control+Enter");
    const atArrival = await visitor.waitForFunction((count) => {
      const shown = document.querySelectorAll(".evw-log > .evw-msg--counsellor").length > count;
      return shown && { typingHidden: document.querySelector(".evw-typing").hidden };
    }, beforeMoment, { timeout: 30000 });
    assert.deepEqual(await atArrival.jsonValue(), { typingHidden: true });

    await assertAccessible(desk, "a case page with the queue beside it");
    await desk.screenshot({ path: path.join(SCREENSHOTS, "console-queue-beside-case.png"), fullPage: true });
    assert.deepEqual(desk.problems, []);
    await deskContext.close();
    await visitorContext.close();
  });

  it("keeps canned replies and inserts one with the keyboard", { timeout: 300000 }, async () => {
    const deskContext = await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
    const desk = await signIn(stack, deskContext);
    await desk.click("a[href='/console/svar']");
    await desk.fill("#ny-titel", "Hilsen");
    await desk.fill("#ny-tekst", "Hej, jeg hedder {navn}. Vil du vide mere om jobbet som {job}?");
    await desk.click("text=Tilføj standardsvar");
    await desk.waitForSelector("text=Standardsvaret er tilføjet.");
    // An unknown placeholder is refused in Danish, and what was typed stays.
    await desk.fill("#ny-titel", "Tastefejl");
    await desk.fill("#ny-tekst", "Hej {nanv}");
    await desk.click("text=Tilføj standardsvar");
    assert.match(await desk.textContent("[role=alert]"), /Ukendt pladsholder: \{nanv\}/);
    assert.equal(await desk.inputValue("#ny-tekst"), "Hej {nanv}");
    await assertAccessible(desk, "the canned replies page");
    await desk.screenshot({ path: path.join(SCREENSHOTS, "console-canned-replies.png"), fullPage: true });

    const visitorContext = await browser.newContext();
    const visitor = await openChat(stack, visitorContext);
    await say(visitor, "kan jeg tale med en vejleder?");
    await visitor.waitForSelector(".evw-queue:not([hidden])", { timeout: 30000 });
    await desk.goto(stack.web + "/console");
    await desk.click("#koe-tabel form[action$='/claim'] button");
    await desk.waitForURL(/\/console\/cases\/\d+/);
    await visitor.waitForSelector(".evw-queue", { state: "hidden", timeout: 30000 });

    // Keyboard only: the list of canned replies, then "Indsæt svar", then send from the field.
    await desk.focus("#standardsvar");
    await desk.keyboard.press("Tab");
    assert.equal(await desk.evaluate(() => document.activeElement.id), "indsaet-svar");
    await desk.keyboard.press("Enter");
    assert.equal(await desk.evaluate(() => document.activeElement.id), "text");
    const filled = await desk.inputValue("#text");
    assert.equal(filled, `Hej, jeg hedder ${stack.counsellor}. Vil du vide mere om jobbet som leder?`);
    const before = await countOf(visitor, ".evw-log > .evw-msg--counsellor");
    await desk.keyboard.press("Control+Enter");
    await waitForReply(visitor, before, "counsellor");
    assert.equal((await logEntries(visitor)).filter(([who]) => who === "counsellor").at(-1)[1], filled);
    // The refused placeholder above was an HTTP 400 page, on purpose.
    assert.deepEqual(desk.problems.filter((p) => !/status of 400/.test(p)), []);
    await deskContext.close();
    await visitorContext.close();
  });

  it("hands a case to a colleague, who closes it with a note that the search finds", { timeout: 300000 }, async () => {
    const visitorContext = await browser.newContext();
    const visitor = await openChat(stack, visitorContext);
    await say(visitor, "jeg vil gerne tale med et menneske");
    await visitor.waitForSelector(".evw-queue:not([hidden])", { timeout: 30000 });

    const deskContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const desk = await signIn(stack, deskContext);
    await desk.click("#koe-tabel form[action$='/claim'] button");
    await desk.waitForURL(/\/console\/cases\/\d+/);
    const caseUrl = desk.url();
    const caseId = new URL(caseUrl).pathname.split("/").at(-1);
    await markPage(desk);

    // Only colleagues who are there are offered, and one who signs in is offered without a reload.
    const colleagueContext = await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
    await colleagueContext.addInitScript(recordAlerts);
    const colleague = await signIn(stack, colleagueContext, stack.colleague);
    await markPage(colleague);
    await desk.waitForSelector(`#kollega option[value="${stack.colleague}"]`, { state: "attached", timeout: 30000 });
    assert.equal(await desk.isHidden("#ingen-kolleger"), true);
    assert.ok(await samePage(desk), "the case page was not reloaded");
    // The colleague sees the case among the others' until it is hers.
    await colleague.waitForSelector(`#andre-liste li[data-case="${caseId}"]`, { timeout: 30000 });

    // The visitor hears the new name, never the login.
    await desk.selectOption("#kollega", stack.colleague);
    await desk.click("text=Overdrag samtalen >> nth=-1");
    await desk.waitForSelector("text=Samtalen er overdraget.");
    await visitor.waitForFunction((name) => [...document.querySelectorAll(".evw-msg--notice")]
      .some((item) => item.textContent.includes(name + " fra eVejledningen er nu med i samtalen")),
    stack.colleague_display_name, { timeout: 30000 });
    assert.equal(await desk.$("#ny-besked"), null, "the case is no longer Mette's to write in");
    // The colleague's open console tells her, without a reload.
    await colleague.waitForFunction(() => window.__alerts.some(([kind, title]) => kind === "notification" &&
      /overdraget en samtale til dig/.test(title)), null, { timeout: 30000 });
    // Her "Dine samtaler" lists the case, also without a reload.
    const caseLink = `#mine-liste a[href="${new URL(caseUrl).pathname}"]`;
    await colleague.waitForSelector(caseLink, { timeout: 30000 });
    assert.equal(await colleague.isHidden("#mine-tom"), true);
    assert.match(await colleague.textContent("#mine-liste li"), /^Samtale nr\. \d+, taget kl\. \d{1,2}\.\d\d/);
    // ... and no longer under "Andre eVejlederes samtaler".
    await colleague.waitForSelector(`#andre-liste li[data-case="${caseId}"]`, { state: "detached", timeout: 30000 });
    assert.ok(await samePage(colleague), "the console was not reloaded");

    await colleague.click(caseLink);
    await colleague.waitForURL(caseUrl);
    const before = await countOf(visitor, ".evw-log > .evw-msg--counsellor");
    await colleague.fill("#text", "Hej, det er Bo. Jeg tager over herfra.");
    // Ctrl+Enter twice before the first send is answered sends the message once.
    await colleague.evaluate(() => {
      const field = document.getElementById("text");
      for (let i = 0; i < 2; i += 1) {
        field.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true }));
      }
    });
    await waitForReply(visitor, before, "counsellor");
    await colleague.waitForFunction(() => document.getElementById("text").value === "");
    await colleague.fill("#text", "Hvad vil du gerne vide?");
    await colleague.press("#text", "Control+Enter");
    await visitor.waitForFunction(() => [...document.querySelectorAll(".evw-log > .evw-msg--counsellor")]
      .some((item) => item.textContent.includes("Hvad vil du gerne vide?")), null, { timeout: 30000 });
    const fromBo = (await logEntries(visitor)).filter(([who]) => who === "counsellor").map(([, text]) => text);
    assert.deepEqual(fromBo.filter((text) => text === "Hej, det er Bo. Jeg tager over herfra."),
      ["Hej, det er Bo. Jeg tager over herfra."]);
    const note = "Spurgte til diplomuddannelse i ledelse; henvist til studievalg";
    await colleague.fill("#note", note);
    colleague.once("dialog", (dialog) => dialog.accept());
    await colleague.click("form[action$='/close'] button[type=submit]");
    await colleague.waitForURL(stack.web + "/console");

    // The closed case and its note are found by a word of the note.
    await colleague.click("a[href='/console/afsluttede']");
    await colleague.fill("#q", "diplomuddannelse");
    await colleague.press("#q", "Enter");
    await colleague.waitForSelector("text=1 samtale fundet.");
    assert.equal(await colleague.textContent("td .note"), note);
    await assertAccessible(colleague, "the search of finished cases");
    await colleague.screenshot({ path: path.join(SCREENSHOTS, "console-closed-search.png"), fullPage: true });
    assert.deepEqual(colleague.problems, []);
    assert.deepEqual(desk.problems, []);
    await colleagueContext.close();
    await deskContext.close();
    await visitorContext.close();
  });
});
