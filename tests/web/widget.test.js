// Browser tests of the chat widget and the demo page, in headless Chromium from Debian
// (/usr/bin/chromium, never a downloaded browser), against the real processes: action
// server, Rasa with models/evejleder.tar.gz, and `python -m bot web`.
// Run: make test-web   (or: node --test --test-concurrency=1 tests/web/)
"use strict";

const assert = require("node:assert/strict");
const path = require("node:path");
const { after, before, describe, it } = require("node:test");

const {
  watchedPage, logEntries, countOf, waitForReply, say, pushBotMessage, sessionIdOf, signIn,
  assertAccessible, SCREENSHOTS, setUp, tearDown, openChat,
} = require("./support");

const GREETING = /^Hej! Jeg er UddannelsesGuidens chatassistent/;

let stack;
let browser;

before(async () => { ({ stack, browser } = await setUp()); }, { timeout: 400000 });
after(() => tearDown(stack, browser));

async function greetings(page) {
  return (await logEntries(page)).filter(([, text]) => GREETING.test(text)).length;
}

// The quick replies of the last message; asks something the bot does not understand when
// the last message has none (the re-ask comes with topic buttons).
async function quickReplies(page) {
  let buttons = await page.$$(".evw-log > .evw-msg:last-child .evw-reply");
  if (!buttons.length) {
    await say(page, "xqzv blorp");
    buttons = await page.$$(".evw-log > .evw-msg:last-child .evw-reply");
  }
  return buttons;
}

describe("the chat widget on the article page", () => {
  it("greets exactly once when a conversation starts", async () => {
    const context = await browser.newContext();
    const page = await openChat(stack, context);
    await page.waitForTimeout(2000);  // a second welcome would have arrived by now
    assert.equal(await greetings(page), 1, "the welcome is shown exactly once");
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it("holds a Danish conversation with a quick reply", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await openChat(stack, context);
    assert.equal(await page.getAttribute(".evw-log", "aria-live"), "polite");

    await say(page, "hvad laver en leder?");
    const entries = await logEntries(page);
    assert.deepEqual(entries.filter(([who]) => who === "visitor").map(([, text]) => text),
      ["hvad laver en leder?"]);
    const asked = entries.findIndex(([who]) => who === "visitor");
    assert.ok(entries.slice(asked + 1).some(([who, text]) => who === "bot" && !GREETING.test(text)),
      `an answer follows the question: ${JSON.stringify(entries)}`);

    const buttons = await quickReplies(page);
    assert.ok(buttons.length > 0, "the bot offers quick replies");
    const title = (await buttons[0].textContent()).trim();
    const before = await countOf(page, ".evw-log > .evw-msg--bot");
    await buttons[0].click();
    await waitForReply(page, before);
    const after = await logEntries(page);
    assert.ok(after.some(([who, text]) => who === "visitor" && text === title),
      "the button's title is shown as the visitor's message, not its payload");
    assert.ok(!after.some(([, text]) => text.startsWith("/")), "no /payload is shown");
    assert.equal(await countOf(page, ".evw-log > .evw-msg:not(:last-child) .evw-reply"), 0, "only the last message keeps its buttons");
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it("shows a long reply from its start, names the sender once per run, links the source", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 400 } });
    const page = await openChat(stack, context);
    await say(page, "hvilke arbejdsopgaver har en leder?");
    const placement = await page.evaluate(() => {
      const log = document.querySelector(".evw-log");
      const reply = document.querySelector(".evw-log > .evw-msg--bot:last-child");
      const top = reply.getBoundingClientRect().top - log.getBoundingClientRect().top;
      return { top, visible: log.clientHeight, height: reply.offsetHeight, text: reply.textContent.slice(0, 80),
        overflows: reply.offsetHeight > log.clientHeight };
    });
    assert.ok(placement.overflows, `the reply is taller than the chat window: ${JSON.stringify(placement)}`);
    assert.ok(placement.top >= -2 && placement.top < placement.visible / 2,
      `the reply's start is in view: ${JSON.stringify(placement)}`);
    const source = await page.$$eval(".evw-log > .evw-msg--bot:last-child a", (links) => links.map((a) => a.href));
    assert.ok(source.some((href) => href.startsWith("https://www.ug.dk/")), `the source is a link: ${source}`);

    await say(page, "jeg vil gerne tale med en vejleder");   // two bubbles in a row from the bot
    const labels = await page.$$eval(".evw-log > .evw-msg", (items) => items.map((item) => [
      item.className, item.querySelector(".evw-who") ? item.querySelector(".evw-who").className : null]));
    const runs = labels.filter(([cls], i) => i > 0 && cls.includes("evw-msg--bot") &&
      labels[i - 1][0].includes("evw-msg--bot"));
    assert.ok(runs.length > 0, `a run of bot bubbles: ${JSON.stringify(labels)}`);
    for (const [cls, who] of runs) {
      assert.ok(cls.includes("evw-continued") && who.includes("evw-sr"),
        `a continued bubble names its sender for screen readers only: ${cls} ${who}`);
    }
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it("keeps the conversation across reloads, from local storage and from Rasa", async () => {
    const context = await browser.newContext();
    const page = await openChat(stack, context);
    await say(page, "hvilken uddannelse skal man have?");
    const shown = await logEntries(page);
    const welcomes = await greetings(page);
    await page.reload();
    await page.waitForSelector(".evw-panel:not([hidden]) .evw-log > .evw-msg");
    await page.waitForTimeout(2000);
    assert.deepEqual(await logEntries(page), shown, "the same messages after a reload");
    assert.equal(await greetings(page), welcomes, "no new welcome after a reload");

    // Without the local copy the history comes back from Rasa's tracker.
    await page.evaluate(() => {
      const key = Object.keys(localStorage).find((name) => name.startsWith("evejleder-widget:"));
      const state = JSON.parse(localStorage.getItem(key));
      state.entries = [];
      localStorage.setItem(key, JSON.stringify(state));
    });
    await page.reload();
    await page.waitForFunction((count) => document.querySelectorAll(".evw-log > .evw-msg").length >= count,
      shown.length, { timeout: 20000 });
    assert.deepEqual(await logEntries(page), shown, "the history is restored from the server");
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it("forgets the conversation on the device after a day and on \"Start forfra\"", async () => {
    const context = await browser.newContext();
    const stored = (page) => page.evaluate(() => Object.keys(localStorage)
      .filter((name) => name.startsWith("evejleder-widget:")).map((name) => localStorage.getItem(name)).join(""));
    let page = await openChat(stack, context);
    await say(page, "mit navn er Ida Privat, hvad laver en leder?");
    assert.ok((await stored(page)).includes("Ida Privat"));
    await page.click(".evw-restart");
    await page.waitForSelector(".evw-log > .evw-msg--bot", { timeout: 30000 });
    assert.ok(!(await stored(page)).includes("Ida Privat"), "Start forfra wipes the stored conversation");
    assert.ok(!(await logEntries(page)).some(([, text]) => text.includes("Ida Privat")));

    await say(page, "jeg hedder Bo Privat, hvad tjener en leder?");
    const sessionId = await sessionIdOf(page);
    await page.evaluate(() => {
      const key = Object.keys(localStorage).find((name) => name.startsWith("evejleder-widget:"));
      const state = JSON.parse(localStorage.getItem(key));
      state.savedAt = Date.now() - 25 * 60 * 60 * 1000;
      localStorage.setItem(key, JSON.stringify(state));
    });
    await page.reload();
    await page.waitForTimeout(1000);
    assert.equal(await stored(page), "", "a day-old conversation is removed on the next visit");
    await page.click(".evw-launcher");
    await page.waitForSelector(".evw-log > .evw-msg--bot", { timeout: 30000 });
    assert.ok(!(await logEntries(page)).some(([, text]) => text.includes("Bo Privat")));
    assert.notEqual(await sessionIdOf(page), sessionId, "a new conversation");
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it("opens a conversation only with its secret: a copied id starts a new one", async () => {
    const context = await browser.newContext();
    const page = await openChat(stack, context);
    await say(page, "mit navn er Ida Hemmelig, hvad laver en leder?");
    const stolen = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((name) => name.startsWith("evejleder-widget:"));
      const state = JSON.parse(localStorage.getItem(key));
      return { key, sessionId: state.sessionId, hasSecret: /^[0-9a-f]{64}$/.test(state.sessionSecret || "") };
    });
    assert.ok(stolen.hasSecret, "the widget keeps the secret the server issued");

    const otherContext = await browser.newContext();
    const other = await watchedPage(otherContext);
    await other.goto(stack.web + "/");
    await other.evaluate(({ key, sessionId }) => {
      localStorage.setItem(key, JSON.stringify({ sessionId, entries: [], outbox: [], handoff: null,
                                                 open: true, savedAt: Date.now() }));
    }, stolen);
    await other.reload();
    await other.waitForSelector(".evw-log > .evw-msg--bot", { timeout: 30000 });
    await other.waitForTimeout(2000);
    assert.notEqual(await sessionIdOf(other), stolen.sessionId, "the server gave the copy a new conversation");
    const shown = await logEntries(other);
    assert.ok(!shown.some(([, text]) => text.includes("Ida Hemmelig")), "nothing of the visitor's chat");
    assert.equal(await greetings(other), 1, "a new conversation, greeted once");

    await page.reload();  // the visitor's own browser still has its conversation
    await page.waitForSelector(".evw-panel:not([hidden]) .evw-log > .evw-msg");
    await page.waitForTimeout(1000);
    assert.equal(await sessionIdOf(page), stolen.sessionId);
    assert.ok((await logEntries(page)).some(([, text]) => text.includes("Ida Hemmelig")));
    assert.deepEqual(page.problems, []);
    assert.deepEqual(other.problems, []);
    await otherContext.close();
    await context.close();
  });

  it("shows HTML and script as text and runs nothing; links are safe", async () => {
    const context = await browser.newContext();
    const page = await openChat(stack, context);
    const attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>fed</b>';
    await say(page, attack);
    const sessionId = await sessionIdOf(page);
    const before = await countOf(page, ".evw-log > .evw-msg--bot");
    await pushBotMessage(stack, sessionId,
      '<a href="javascript:window.__pwned=3">klik</a><img src=x onerror="window.__pwned=4"> Læs mere på https://www.ug.dk/job.');
    await waitForReply(page, before);
    const entries = await logEntries(page);
    assert.ok(entries.some(([who, text]) => who === "visitor" && text === attack));
    assert.ok(entries.some(([who, text]) => who === "bot" && text.startsWith('<a href="javascript:')));
    assert.equal(await countOf(page, ".evw-log img, .evw-log script, .evw-log b"), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    const links = await page.$$eval(".evw-log a", (as) => as.map((a) => [a.getAttribute("href"), a.rel, a.target]));
    assert.deepEqual(links, [["https://www.ug.dk/job", "noopener noreferrer", "_blank"]],
      "only the http(s) link is clickable, without the trailing full stop");
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it("works with the keyboard alone", async () => {
    const context = await browser.newContext();
    const page = await watchedPage(context);
    await page.goto(stack.web + "/");
    let onLauncher = false;
    for (let i = 0; i < 40 && !onLauncher; i++) {
      await page.keyboard.press("Tab");
      onLauncher = await page.evaluate(() => document.activeElement.classList.contains("evw-launcher"));
    }
    assert.ok(onLauncher, "the launcher is reachable with Tab");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none", "focus is visible");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".evw-log > .evw-msg--bot", { timeout: 30000 });
    assert.equal(await page.evaluate(() => document.activeElement.id), "evw-input", "focus moves to the input");
    const before = await countOf(page, ".evw-log > .evw-msg--bot");
    await page.keyboard.type("hvor kan en leder arbejde?");
    await page.keyboard.press("Enter");
    await waitForReply(page, before);
    await page.keyboard.press("Escape");
    assert.equal(await page.isHidden(".evw-panel"), true, "Esc closes the chat");
    assert.ok(await page.evaluate(() => document.activeElement.classList.contains("evw-launcher")),
      "focus returns to the launcher");
    await page.keyboard.press("Enter");
    assert.equal(await page.isVisible(".evw-panel"), true);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it("reconnects after Rasa restarts and loses nothing", { timeout: 300000 }, async () => {
    const context = await browser.newContext();
    const page = await openChat(stack, context);
    await say(page, "hvad er lønnen for en leder?");
    const shownBefore = await logEntries(page);

    await stack.command("stop-rasa");
    await page.waitForSelector(".evw-connection:not([hidden])", { timeout: 30000 });
    // Written while the server is down: kept, marked, and sent after the reconnect.
    await page.fill("#evw-input", "hvad laver en direktør?");
    await page.press("#evw-input", "Enter");
    await page.waitForSelector(".evw-pending");
    const before = await countOf(page, ".evw-log > .evw-msg--bot");
    await stack.command("start-rasa");
    await waitForReply(page, before, "bot", 90000);
    await page.waitForSelector(".evw-connection", { state: "hidden" });

    const entries = await logEntries(page);
    assert.deepEqual(entries.slice(0, shownBefore.length), shownBefore, "nothing shown earlier is lost");
    assert.equal(entries.filter(([, text]) => text === "hvad laver en direktør?").length, 1);
    assert.equal(await countOf(page, ".evw-pending"), 0);
    await say(page, "tak");  // and the conversation goes on
    // The browser logs each refused reconnect attempt while Rasa is down; nothing else.
    assert.deepEqual(page.problems.filter((p) => !/WebSocket connection to .* failed/.test(p)), []);
    await context.close();
  });

  it("passes an axe-core scan (page and console) and saves screenshots", async () => {
    // bypassCSP only so axe can be injected; the widget itself runs under the real policy above.
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
    const page = await openChat(stack, context);
    await say(page, "hvad laver en leder?");
    await page.screenshot({ path: path.join(SCREENSHOTS, "site-desktop.png") });
    await assertAccessible(page, "the article page with the chat open");

    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true,
      hasTouch: true, bypassCSP: true });
    const small = await openChat(stack, phone);
    await say(small, "hvordan bliver man leder?");
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, "nothing wider than a 360 px screen");
    await small.screenshot({ path: path.join(SCREENSHOTS, "site-360px.png") });
    await assertAccessible(small, "the chat on a 360 px screen");
    await phone.close();

    const counsellor = await browser.newContext({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
    const console_ = await signIn(stack, counsellor);
    await assertAccessible(console_, "the counsellor console");
    await console_.screenshot({ path: path.join(SCREENSHOTS, "console.png"), fullPage: true });
    await counsellor.close();
    await context.close();
  });

  it("hands the visitor to a counsellor and back to the bot", { timeout: 240000 }, async () => {
    const visitorContext = await browser.newContext();
    const visitor = await openChat(stack, visitorContext);
    await say(visitor, "jeg vil gerne tale med en vejleder");
    await visitor.waitForSelector(".evw-queue:not([hidden])", { timeout: 30000 });
    assert.match(await visitor.textContent(".evw-queue-text"), /Du er nummer \d+ i køen til en eVejleder/);

    const counsellorContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const desk = await signIn(stack, counsellorContext);
    await desk.reload();
    // The tab title counts the waiting visitors, so a new one is seen from another tab.
    await desk.waitForFunction(() => /^\(\d+\) /.test(document.title), null, { timeout: 30000 });
    await desk.click("form[action$='/claim'] button");
    await desk.waitForURL(/\/console\/cases\/\d+/);

    // Counsellor -> visitor, shown as the eVejleder's.
    await visitor.waitForSelector(".evw-queue", { state: "hidden", timeout: 30000 });
    const beforeCounsellor = await countOf(visitor, ".evw-log > .evw-msg--counsellor");
    await desk.fill("#text", "Hej, jeg hedder Mette. Hvad kan jeg hjælpe med?");
    await desk.click("#ny-besked button[type=submit]");
    await waitForReply(visitor, beforeCounsellor, "counsellor");
    const fromCounsellor = (await logEntries(visitor)).filter(([who]) => who === "counsellor");
    assert.equal(fromCounsellor.at(-1)[1], "Hej, jeg hedder Mette. Hvad kan jeg hjælpe med?");
    assert.match(await visitor.textContent(".evw-log > .evw-msg--counsellor:last-child .evw-who"), /eVejleder/);

    // Visitor -> counsellor: the bot stays silent, the console shows it.
    await visitor.fill("#evw-input", "Jeg vil gerne være afdelingsleder");
    await visitor.press("#evw-input", "Enter");
    await desk.waitForFunction(() => document.body.textContent.includes("Jeg vil gerne være afdelingsleder"),
      null, { timeout: 30000, polling: 1000 }).catch(async () => {
      await desk.reload();
      await desk.waitForFunction(() => document.body.textContent.includes("Jeg vil gerne være afdelingsleder"));
    });

    // Close: the bot is back and answers again.
    await desk.screenshot({ path: path.join(SCREENSHOTS, "console-case.png"), fullPage: true });
    // "Afslut" asks first; the counsellor confirms.
    const asked = new Promise((resolve) => desk.once("dialog", (dialog) => {
      resolve(dialog.message());
      dialog.accept();
    }));
    await desk.click("form[action$='/close'] button[type=submit]");
    assert.match(await asked, /afslutte samtalen/);
    await visitor.waitForFunction(() => [...document.querySelectorAll(".evw-msg--notice")]
      .some((item) => item.textContent.includes("afsluttet samtalen")), null, { timeout: 30000 });
    // One message per status: the claim and the close are each said once.
    const said = (await logEntries(visitor)).map((entry) => entry[1]).join("\n");
    assert.equal(said.split("afsluttet samtalen").length - 1, 1);
    assert.equal(said.split("er nu med i samtalen").length - 1, 1);
    await say(visitor, "hvad laver en leder?");
    assert.equal((await logEntries(visitor)).at(-1)[0], "bot");

    // A reload shows the counsellor's message again, still marked as the eVejleder's.
    await visitor.reload();
    await visitor.waitForSelector(".evw-log > .evw-msg--counsellor");
    assert.deepEqual(visitor.problems, []);
    await counsellorContext.close();
    await visitorContext.close();
  });

  it("lets a waiting visitor leave the queue", { timeout: 120000 }, async () => {
    const context = await browser.newContext();
    const page = await openChat(stack, context);
    await say(page, "kan jeg få en vejleder?");
    await page.waitForSelector(".evw-queue:not([hidden])", { timeout: 30000 });
    // A message written while waiting is acknowledged, once.
    await say(page, "er der nogen?", "notice");
    await page.waitForFunction(() => [...document.querySelectorAll(".evw-msg--notice")]
      .some((item) => item.textContent.includes("Din besked er givet videre")), null, { timeout: 30000 });
    assert.equal((await logEntries(page)).filter(([, text]) => text.includes("givet videre")).length, 1);
    await page.click(".evw-cancel");
    await page.waitForSelector(".evw-queue", { state: "hidden" });
    await page.waitForFunction(() => [...document.querySelectorAll(".evw-msg--notice")]
      .some((item) => item.textContent.includes("Du har forladt køen")));
    await say(page, "hvad laver en leder?");
    assert.deepEqual(page.problems, []);
    await context.close();
  });
});

// Where the log stands: the entry at its top edge, how far below the edge that entry starts,
// and the distance to the log's end.
function logView(page) {
  return page.evaluate(() => {
    const log = document.querySelector(".evw-log");
    const top = log.getBoundingClientRect().top;
    const node = [...log.children].find((child) => child.getBoundingClientRect().bottom > top);
    return {
      id: node ? node.dataset.id : null, offset: node ? Math.round(node.getBoundingClientRect().top - top) : null,
      toEnd: Math.round(log.scrollHeight - log.scrollTop - log.clientHeight),
      scrollTop: Math.round(log.scrollTop), scrollHeight: log.scrollHeight, clientHeight: log.clientHeight,
    };
  });
}

// Lets the browser run its scroll events (they come with the next frames).
function nextFrames(page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

async function reloadChat(page) {
  await page.reload();
  await page.waitForSelector(".evw-panel:not([hidden]) .evw-log > .evw-msg");
  await page.waitForTimeout(1500);  // the history from Rasa has been merged by now
  await nextFrames(page);
}

// The top of an entry against the top of the log: from about 0 on, it is in view.
function topInView(page, selector) {
  return page.evaluate((sel) => {
    const log = document.querySelector(".evw-log");
    const node = document.querySelector(sel);
    return Math.round(node.getBoundingClientRect().top - log.getBoundingClientRect().top);
  }, selector);
}

describe("where the chat log stands", () => {
  it("opens a reloaded conversation where the visitor left it, or at its end", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await openChat(stack, context);
    for (const question of ["hvilke arbejdsopgaver har en leder?", "hvad tjener en leder?",
      "hvordan bliver man leder?"]) {
      await say(page, question);
    }
    await nextFrames(page);
    const afterReply = await logView(page);
    assert.ok(afterReply.scrollHeight > 2 * afterReply.clientHeight, `a long conversation: ${JSON.stringify(afterReply)}`);
    assert.ok(afterReply.scrollTop > 0, `the newest reply is shown: ${JSON.stringify(afterReply)}`);

    await reloadChat(page);
    const reloaded = await logView(page);
    assert.equal(reloaded.id, afterReply.id, `the same place after a reload: ${JSON.stringify([afterReply, reloaded])}`);
    assert.ok(Math.abs(reloaded.offset - afterReply.offset) <= 2, JSON.stringify([afterReply, reloaded]));

    // Scrolled back to an earlier part of the conversation: the reload shows that part.
    await page.evaluate(() => {
      const log = document.querySelector(".evw-log");
      log.scrollTop = Math.round(log.scrollHeight / 3);
    });
    await nextFrames(page);
    const earlier = await logView(page);
    await reloadChat(page);
    const reloadedEarlier = await logView(page);
    assert.equal(reloadedEarlier.id, earlier.id, JSON.stringify([earlier, reloadedEarlier]));
    assert.ok(Math.abs(reloadedEarlier.offset - earlier.offset) <= 2, JSON.stringify([earlier, reloadedEarlier]));

    // At the end: the end, also after closing and opening the chat.
    await page.evaluate(() => {
      const log = document.querySelector(".evw-log");
      log.scrollTop = log.scrollHeight;
    });
    await nextFrames(page);
    await reloadChat(page);
    assert.ok((await logView(page)).toEnd <= 2, JSON.stringify(await logView(page)));
    await page.click(".evw-close");
    await page.click(".evw-launcher");
    assert.ok((await logView(page)).toEnd <= 2, `the end after reopening: ${JSON.stringify(await logView(page))}`);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it("shows the welcome from its first line, also after \"Start forfra\"", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 480 } });
    const page = await openChat(stack, context);
    const first = ".evw-log > .evw-msg--bot";
    const size = await logView(page);
    assert.ok(size.scrollHeight > size.clientHeight, `the welcome is taller than the log: ${JSON.stringify(size)}`);
    assert.ok(await topInView(page, first) >= -1, `the welcome's first line is in view: ${await topInView(page, first)}`);

    await page.click(".evw-restart");
    await page.waitForSelector(".evw-log > .evw-msg--bot", { timeout: 30000 });
    await page.waitForSelector(".evw-typing", { state: "hidden", timeout: 30000 });
    await nextFrames(page);
    assert.ok(await topInView(page, first) >= -1, `after "Start forfra" too: ${await topInView(page, first)}`);
    assert.deepEqual(page.problems, []);
    await context.close();
  });
});

describe("\"Hjalp svaret?\"", () => {
  it("is asked under answers only", { timeout: 120000 }, async () => {
    const context = await browser.newContext();
    const page = await openChat(stack, context);
    const rated = () => page.$$eval(".evw-log > .evw-msg", (items) => items
      .filter((item) => item.querySelector(".evw-feedback"))
      .map((item) => item.querySelector(".evw-text").textContent));
    assert.deepEqual(await rated(), [], "not under the welcome");

    await say(page, "hvad tjener en leder?");
    const answer = (await logEntries(page)).filter(([who]) => who === "bot").at(-1)[1];
    assert.deepEqual(await rated(), [answer], "under the answer's last bubble");

    await say(page, "tak");
    assert.match((await logEntries(page)).at(-1)[1], /^Selv tak!/);
    await say(page, "jeg vil gerne tale med en vejleder");
    const said = (await logEntries(page)).map(([, text]) => text).join("\n");
    assert.match(said, /eVejleder/);
    assert.deepEqual(await rated(), [answer], `not under thanks, the queue or a consent question: ${said}`);
    assert.deepEqual(page.problems, []);
    await context.close();
  });
});
