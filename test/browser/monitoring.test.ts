/**
 * Supervisors hear and speak in the browser: real Chromium (fake microphone playing a
 * 1650 Hz tone) against a real engine with the simulator (caller 450 Hz, agent 650 Hz).
 * What the page receives is captured through Web Audio and analysed by Goertzel; what the
 * simulated caller and agent hear is analysed at their phones. Listen / whisper / barge /
 * take over from the calls page, a mode switch that takes effect within 200 ms of audio,
 * two supervisors on one call, ICE kept on loopback, a closed tab ending its leg, and a
 * WHEP client page that knows nothing but RFC 9725. The engine starts as the demo does (the
 * day so far simulated first), so the calls monitored here were connected before the
 * telephony driver existed: each must be heard, never "done" over silence.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_TONES, type SimulatorTelephony } from '../../src/callcontrol/index.js';
import { shiftedClock } from '../../src/domain/index.js';
import { decodeFrame, goertzelAmplitude } from '../../src/media/index.js';
import { TOKENS } from '../support/engine.js';
import { waitUntil } from '../support/time.js';
import { watchResources } from '../support/leaks.js';
import { CAPTURE_SCRIPT, writeToneWav, type PageAudio } from './audio-capture.js';
import { ensureBuilt, startWallboard, type Wallboard } from '../support/wallboard.js';
import { removeDir } from '../support/temp-dir.js';

const MIC_HZ = 1650;
/** Just after midnight: the day so far (an hour) is simulated in a moment, and leaves every agent on a call. */
const START = Date.parse('2026-06-15T00:20:00Z');
const config = {
  timezone: 'UTC',
  queues: [{ id: 'support-queue', name: 'Support' }],
  agents: Array.from({ length: 7 }, (_, i) => ({ id: `agent-${i + 1}`, name: `Agent ${i + 1}`, queues: ['support-queue'] })),
  // Calls that last: each test has its own call for as long as it needs.
  sim: { seed: 5, queues: { 'support-queue': { calls_per_hour: 3600, handle: { dist: 'fixed' as const, mean_s: 36_000 }, patience: { dist: 'fixed' as const, mean_s: 3 }, answer_delay: { dist: 'fixed' as const, mean_s: 2 } } }, breaks: { every_s: null }, outbound: { calls_per_hour: 0 } },
};
/** A tone the page hears: the simulator's tones arrive near 0.09 of full scale. */
const PAGE_HEARS = 0.03;
const PAGE_SILENT = 0.003;
/** The browser's microphone at a simulated phone (Chromium's gain control keeps it near 1000 of 32767). */
const PHONE_HEARS = 250;
const PHONE_SILENT = 40;
/**
 * How long real-time things may take (ICE, DTLS, the first frames, Chromium's capture, a
 * mode switch's answer, a leg's end) while the rest of the suite, and whatever else runs on
 * the machine, loads it: every condition's deadline here, generous.
 */
const AUDIO_DEADLINE_MS = 45_000;

let w: Wallboard;
let browser: Browser;
let dir: string;
const used = new Set<string>();

const phones = () => (w.t.engine.callControl.telephony() as SimulatorTelephony).phones;
/** Where each phone was last judged: a judgement is over 5 frames (100 ms) heard since the last one. */
const judgedAt = new WeakMap<object, number>();
/** The microphone's tone at a simulated party's phone over the last 100 ms it heard; NaN (no judgement) until 5 new frames came. */
function atPhone(call: string, party: string): number {
  const phone = phones().phone(call, party)!;
  if (phone.frames - (judgedAt.get(phone) ?? -Infinity) < 5) return NaN;
  judgedAt.set(phone, phone.frames);
  return goertzelAmplitude(phone.take(5), MIC_HZ);
}
const audio = (page: Page) => ({
  levels: (hz: number[]) => page.evaluate((h) => (window as unknown as { __cc: PageAudio }).__cc.levels(h), hz),
  capture: () => page.evaluate(() => (window as unknown as { __cc: PageAudio }).__cc.capture()),
  pair: () => page.evaluate(() => (window as unknown as { __cc: PageAudio }).__cc.pair()),
});

/** A talking call no other test used, with its agent. */
async function freshCall(): Promise<{ call_id: string; agent: string; answered_at: string }> {
  const c = await waitUntil(async () => {
    const active = (await (await w.t.req('/cc/calls/active', { as: 'viewer' })).json()).calls as Array<{ call_id: string; state: string; agent: string | null; answered_at: string }>;
    const c = active.find((x) => x.state === 'talking' && x.agent && !used.has(x.call_id));
    if (c) used.add(c.call_id);
    return c as { call_id: string; agent: string; answered_at: string } | undefined;
  }, 'a talking call', AUDIO_DEADLINE_MS);
  return c!;
}

async function signedIn(as: keyof typeof TOKENS): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
  context.setDefaultTimeout(AUDIO_DEADLINE_MS); // clicks, selectors: as generous as the audio's conditions
  await context.addInitScript(CAPTURE_SCRIPT);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(w.url);
  await page.fill('#token', TOKENS[as]);
  await page.click('#signin');
  await page.waitForSelector('#who');
  return { context, page };
}

/** Clicks a monitor button on a call's row and waits until the page hears the call. */
async function monitorFromCallsPage(page: Page, call: string, label: string): Promise<void> {
  await page.goto(`${w.url}/#/calls`);
  await page.click(`#calls tr[data-call="${call}"] button:has-text("${label}")`);
  await page.waitForSelector('#monitor-bar');
  await waitUntil(() => audio(page).capture(), 'the remote track', AUDIO_DEADLINE_MS);
  await pagesHear([page], 'the page hears caller and agent');
}

/** Waits until every page, in one look, hears the caller's and the agent's tones. */
async function pagesHear(pages: Page[], what: string): Promise<void> {
  await waitUntil(async () => {
    for (const p of pages) {
      const [caller, agent] = await audio(p).levels([SIM_TONES.caller, SIM_TONES.agent]);
      if (!(caller! > PAGE_HEARS && agent! > PAGE_HEARS)) return false;
    }
    return true;
  }, what, AUDIO_DEADLINE_MS);
}

/** Waits until the agent and the caller hear the supervisor's microphone as given. */
async function heardAtPhones(call: string, agent: string, agentHears: boolean, callerHears: boolean): Promise<void> {
  await waitUntil(() => {
    const a = atPhone(call, agent);
    const c = atPhone(call, 'caller');
    return (agentHears ? a > PHONE_HEARS : a < PHONE_SILENT) && (callerHears ? c > PHONE_HEARS : c < PHONE_SILENT);
  }, `agent ${agentHears ? 'hears' : 'does not hear'}, caller ${callerHears ? 'hears' : 'does not hear'} the supervisor`, AUDIO_DEADLINE_MS);
}

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'cc-monitoring-'));
  await writeToneWav(join(dir, 'mic.wav'), MIC_HZ);
  w = await startWallboard(config, { sim: true, catchUp: true, clock: shiftedClock(START) });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      ...['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      ...['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${join(dir, 'mic.wav')}`, '--autoplay-policy=no-user-gesture-required'],
    ],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
  if (dir) await removeDir(dir);
});

// Each test waits on real-time audio several times, each wait with AUDIO_DEADLINE_MS.
describe('monitoring from the wallboard, by ear', { timeout: 240_000 }, () => {
  it('listen hears caller and agent and is heard by nobody; whisper reaches the agent only; barge both; ICE stays on loopback', async () => {
    const c = await freshCall();
    expect(Date.parse(c.answered_at)).toBeLessThan(START); // connected before the engine (and its driver) started
    const { context, page } = await signedIn('supervisor');
    await monitorFromCallsPage(page, c.call_id, 'Listen');
    expect(await page.getAttribute('#monitor-bar [data-call]', 'data-call')).toBe(c.call_id);
    // The bar and the toast name caller and agent, and the toast says "connected" only once the audio is.
    const agentName = `Agent ${c.agent.replace('agent-', '')}`;
    expect(await page.textContent('#monitor-bar [data-field="who"]')).toMatch(new RegExp(`^the call from .+ with ${agentName}$`));
    await expect.poll(() => page.textContent('#call-toast')).toMatch(new RegExp(`^Listening to the call from .+ with ${agentName}: nobody hears you \\(audio connected\\)$`));
    expect(await page.textContent('#monitor-bar [data-field="mode"]')).toBe('Listen');
    expect(await page.getAttribute('#monitor-bar', 'data-mic')).toBe('live');
    expect((await audio(page).levels([MIC_HZ]))[0]).toBeLessThan(PAGE_SILENT); // never hears itself
    await expect.poll(async () => Number(await page.getAttribute('#monitor-level', 'data-db')), { timeout: AUDIO_DEADLINE_MS }).toBeGreaterThan(-40);
    await heardAtPhones(c.call_id, c.agent, false, false);

    // Both ends of the selected pair are this machine, the engine's end on 127.0.0.1 (its only candidate).
    const pair = await waitUntil(() => audio(page).pair(), 'a selected ICE pair', AUDIO_DEADLINE_MS);
    expect(pair!.remote).toBe('127.0.0.1');
    const leg = w.t.engine.media.legs.legsOf(w.t.engine.callControl.service.sessions.onCall(c.call_id)[0]!.session_id)[0]!;
    expect(leg.state.kind === 'connected' && leg.state.local.startsWith('127.0.0.1:')).toBe(true);

    await page.click('#monitor-bar button[data-mode="whisper"]');
    await expect.poll(() => page.textContent('#monitor-bar [data-field="mode"]')).toBe('Whisper');
    await heardAtPhones(c.call_id, c.agent, true, false);
    await page.click('#monitor-bar button[data-mode="barge"]');
    await heardAtPhones(c.call_id, c.agent, true, true);
    // The toast follows the bar: it no longer says "Listen" once the supervisor barged in; one button looks selected.
    await expect.poll(() => page.textContent('#call-toast')).toMatch(/^Barged into the call from .+: the caller and the agent hear you$/);
    expect(await page.$$eval('#monitor-bar button[aria-pressed="true"]', (b) => b.map((x) => x.getAttribute('data-mode')))).toEqual(['barge']);
    // What the page hears did not change with the mode.
    await pagesHear([page], 'the page still hears caller and agent in barge');
    await page.screenshot({ path: 'test-output/wallboard/monitoring-bar.png' });

    await page.click('#monitor-stop');
    await page.waitForSelector('#monitor-bar', { state: 'detached' });
    await waitUntil(() => w.t.engine.media.legs.onCall(c.call_id) === 0 && !w.t.engine.callControl.service.sessions.onCall(c.call_id).length, 'the leg and the session ended', AUDIO_DEADLINE_MS);
    await context.close();
  });

  it('a mode switch mid-call changes what the caller hears within 200 ms of audio (10 frames)', async () => {
    const c = await freshCall();
    const { context, page } = await signedIn('supervisor');
    await monitorFromCallsPage(page, c.call_id, 'Whisper');
    await heardAtPhones(c.call_id, c.agent, true, false);
    // Tap the caller's phone: one Goertzel figure per 20 ms frame it hears.
    const phone = phones().phone(c.call_id, 'caller')!;
    const frames: number[] = [];
    const write = phone.write.bind(phone);
    phone.write = (payload: Uint8Array) => {
      write(payload);
      frames.push(goertzelAmplitude(decodeFrame('pcmu', payload), MIC_HZ));
    };
    const session = w.t.engine.callControl.service.sessions.onCall(c.call_id)[0]!.session_id;
    const switchTo = async (mode: string) => {
      const res = await w.t.req(`/cc/supervisor/sessions/${session}`, { method: 'PATCH', body: JSON.stringify({ mode }), headers: { 'content-type': 'application/json' }, as: 'supervisor' });
      expect(res.status).toBe(200);
      return frames.length; // the mixer applied the mode before the answer left
    };
    // The switch takes effect within 10 frames; then it holds over the next 100 frames (2 s
    // of audio: a window long enough that a moment when the loaded machine starves Chromium's
    // sender is a small part of it, not a third as it could be of a short window).
    const WINDOW = 10 + 100;
    for (const [mode, hears] of [['barge', true], ['listen', false], ['barge', true]] as const) {
      const at = await switchTo(mode);
      await waitUntil(() => frames.length >= at + WINDOW, `${WINDOW} frames after the switch`, AUDIO_DEADLINE_MS);
      const after = frames.slice(at, at + WINDOW);
      const levels = `${mode}: per-frame levels after the switch ${after.map((a) => a.toFixed(0)).join(' ')}`;
      const first = after.findIndex((a) => (hears ? a > PHONE_HEARS : a < PHONE_SILENT));
      expect(first, levels).toBeGreaterThanOrEqual(0);
      expect(first, levels).toBeLessThanOrEqual(10);
      // And it holds from there on: nothing ever leaks to the caller in listen; in barge a lost packet may cost a frame.
      const rest = after.slice(first + 1);
      if (hears) expect(rest.filter((a) => a > PHONE_HEARS).length, levels).toBeGreaterThanOrEqual(rest.length * 0.8);
      else for (const a of rest) expect(a, levels).toBeLessThan(PHONE_SILENT);
    }
    phone.write = write;
    await page.click('#monitor-stop');
    await waitUntil(() => w.t.engine.media.legs.onCall(c.call_id) === 0, 'the leg ended', AUDIO_DEADLINE_MS);
    await context.close();
  });

  it('two supervisors listen to one call; a manager takes it over and talks with the caller', async () => {
    const c = await freshCall();
    const a = await signedIn('supervisor');
    const b = await signedIn('manager');
    await monitorFromCallsPage(a.page, c.call_id, 'Listen');
    await monitorFromCallsPage(b.page, c.call_id, 'Listen');
    expect(w.t.engine.media.legs.onCall(c.call_id)).toBe(2);
    await pagesHear([a.page, b.page], 'both pages hear caller and agent at once');
    // What became of the switch's PATCH, for the message if the bar never shows the takeover.
    const patch: string[] = [];
    b.page.on('request', (r) => r.method() === 'PATCH' && patch.push(`sent ${r.url().replace(w.url, '')}`));
    b.page.on('response', (r) => r.request().method() === 'PATCH' && patch.push(`answered ${r.status()}`));
    b.page.on('requestfailed', (r) => r.method() === 'PATCH' && patch.push(`failed ${r.failure()?.errorText}`));
    await b.page.click('#monitor-bar button[data-mode="takeover"]');
    await waitUntil(async () => (await b.page.getAttribute('#monitor-bar', 'data-mode')) === 'takeover', 'the bar to show the takeover', AUDIO_DEADLINE_MS).catch(async (e: Error) => {
      throw new Error(`${e.message}; the bar says "${await b.page.textContent('#monitor-bar [data-field="status"]')}"; the PATCH: ${patch.join(', ') || 'never sent'}`);
    });
    // The agent has left: the manager hears the caller only; the caller hears the manager.
    await waitUntil(async () => {
      const [caller, agent] = await audio(b.page).levels([SIM_TONES.caller, SIM_TONES.agent]);
      return caller! > PAGE_HEARS && agent! < PAGE_SILENT;
    }, 'the manager hears the caller and no agent', AUDIO_DEADLINE_MS);
    await waitUntil(() => atPhone(c.call_id, 'caller') > PHONE_HEARS, 'the caller hears the manager', AUDIO_DEADLINE_MS);
    await w.t.req(`/cc/calls/${c.call_id}/end`, { method: 'POST', as: 'manager' });
    await waitUntil(() => w.t.engine.media.legs.onCall(c.call_id) === 0, 'both legs ended with the call', AUDIO_DEADLINE_MS);
    await a.page.waitForSelector('#monitor-bar', { state: 'detached', timeout: AUDIO_DEADLINE_MS });
    await a.context.close();
    await b.context.close();
  });

  it('a leg the engine refuses (the call ended while the audio was set up) is said so, never "done", and leaves no session', async () => {
    const c = await freshCall();
    const { context, page } = await signedIn('supervisor');
    await page.goto(`${w.url}/#/calls`);
    // The call ends between the session's start and the browser's offer: the engine refuses the leg.
    await page.route('**/cc/supervisor/sessions/*/media', async (route) => {
      if (route.request().method() === 'POST') await w.t.req(`/cc/calls/${c.call_id}/end`, { method: 'POST', as: 'manager' });
      await route.continue();
    });
    await page.click(`#calls tr[data-call="${c.call_id}"] button:has-text("Listen")`);
    await expect.poll(() => page.textContent('#call-toast'), { timeout: 20_000 }).toMatch(/^Listen: the call from .+ refused: no audio: .+; monitoring stopped$/);
    expect(await page.textContent('#call-toast')).not.toMatch(/done|connected/);
    await page.waitForSelector('#monitor-bar', { state: 'detached' });
    await waitUntil(() => w.t.engine.callControl.service.sessions.onCall(c.call_id).length === 0, 'no session left');
    await context.close();
  });

  it('closing the tab ends the leg (and the session), leaving no socket or timer', async () => {
    const c = await freshCall();
    const { context, page } = await signedIn('supervisor');
    const watch = watchResources(/werift|src\/webrtc/);
    await monitorFromCallsPage(page, c.call_id, 'Barge');
    await page.close({ runBeforeUnload: true });
    await waitUntil(() => w.t.engine.media.legs.onCall(c.call_id) === 0, 'the leg ended', AUDIO_DEADLINE_MS);
    await waitUntil(() => w.t.engine.callControl.service.sessions.onCall(c.call_id).length === 0, 'the session ended', AUDIO_DEADLINE_MS);
    watch.seal();
    await waitUntil(() => watch.alive().length === 0, 'sockets and timers released', 15_000).catch(() => expect(watch.origins()).toEqual([]));
    watch.stop();
    await context.close();
  });
});

describe('a WHEP client that knows only RFC 9725', { timeout: 240_000 }, () => {
  it('POSTs its offer, hears the call, and DELETEs its Location', async () => {
    const c = await freshCall();
    const res = await w.t.req(`/cc/calls/${c.call_id}/monitor`, { method: 'POST', body: JSON.stringify({ action: 'listen' }), headers: { 'content-type': 'application/json' }, as: 'supervisor' });
    const session = (await res.json()).session_id as string;
    const context = await browser.newContext();
    context.setDefaultTimeout(AUDIO_DEADLINE_MS);
    await context.addInitScript(CAPTURE_SCRIPT);
    const page = await context.newPage();
    // A page of its own on the engine's origin: plain RTCPeerConnection and fetch, nothing of the wallboard.
    await page.route(`${w.url}/whep-client.html`, (route) => route.fulfill({ contentType: 'text/html', body: WHEP_PAGE }));
    await page.goto(`${w.url}/whep-client.html`);
    const location = await page.evaluate(([url, token]) => (window as unknown as { whep: (u: string, t: string) => Promise<string> }).whep(url!, token!), [`${w.url}/cc/supervisor/sessions/${session}/media`, TOKENS.supervisor]);
    expect(location).toMatch(/^\/cc\/supervisor\/sessions\/.+\/media\/.+/);
    await waitUntil(() => audio(page).capture(), 'the remote track', AUDIO_DEADLINE_MS);
    await pagesHear([page], 'the WHEP client hears caller and agent');
    expect(await page.evaluate(() => (window as unknown as { hangUp: () => Promise<number> }).hangUp())).toBe(200);
    await waitUntil(() => w.t.engine.media.legs.onCall(c.call_id) === 0, 'the leg ended', AUDIO_DEADLINE_MS);
    expect(w.t.engine.callControl.service.sessions.get(session)).toBeDefined(); // the session goes on
    await w.t.req(`/cc/supervisor/sessions/${session}`, { method: 'DELETE', as: 'supervisor' });
    await context.close();
  });
});

/** RFC 9725 and nothing else: offer with every candidate, POST application/sdp with a bearer token, answer, DELETE the Location. */
const WHEP_PAGE = `<!doctype html><meta charset="utf-8"><title>WHEP client</title><script>
let pc, loc, token;
window.whep = async (url, bearer) => {
  token = bearer;
  pc = new RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: 'Bearer ' + token }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error('WHEP POST answered ' + res.status);
  loc = res.headers.get('location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  return loc;
};
window.hangUp = async () => { const res = await fetch(new URL(loc, location.href), { method: 'DELETE', headers: { authorization: 'Bearer ' + token } }); pc.close(); return res.status; };
</script>`;
