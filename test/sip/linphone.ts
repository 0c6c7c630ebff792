/**
 * A second brand of real SIP phone for lab tests: Debian's linphonec (linphone-cli 5.1,
 * liblinphone, headless), beside baresip, so the edge is not tuned to one user agent and
 * the lab goes where baresip 1.0 cannot (an attended transfer: `transfer 1 --to-call 2`
 * sends REFER with Replaces, RFC 3891). It registers with digest from a linphonerc of its
 * own, plays its tone from an 8 kHz WAV and records what it hears (its sound card set to
 * files: `soundcard use files`, `play`, `record`), and is driven by commands on its stdin.
 * Its console lines are kept as they are (`lines`, `waitLine`) and also become the same
 * events as baresip's (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED), so a scenario drives
 * either phone alike (scenario.ts's LabPhone).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { readWav, RATE, writeToneWav } from '../support/sip/audio.js';
import { stopChild, until, type Lab } from '../support/sip/lab.js';
import type { PhoneEvent } from './baresip.js';

export interface LinphoneOptions {
  name: string;
  tone: number;
  account: { user: string; password: string };
  /** The engine's host:port. */
  registrar: string;
  /** The digest realm (the engine's sip.domain); absent: whatever the challenge names. */
  realm?: string;
}

export class Linphone {
  /** Every console line so far. */
  readonly lines: string[] = [];
  readonly events: PhoneEvent[] = [];
  private out = '';
  private rest = '';

  private constructor(
    readonly name: string,
    readonly dir: string,
    private readonly proc: ChildProcess,
    readonly sipPort: number,
  ) {
    proc.stdout!.on('data', (d: Buffer) => this.read(d.toString()));
    proc.stderr!.on('data', (d: Buffer) => this.read(d.toString()));
  }

  static async start(lab: Lab, o: LinphoneOptions): Promise<Linphone> {
    const dir = join(lab.dir, `linphone-${o.name}`);
    // Its core does not start (it answers every INVITE 503, "core global state is not on") unless its database can be made.
    await mkdir(join(dir, '.local', 'share', 'linphone'), { recursive: true });
    await writeToneWav(join(dir, 'tone.wav'), o.tone, 600);
    const sipPort = lab.port(10);
    const rtpPort = lab.port(10);
    await writeFile(
      join(dir, 'linphonerc'),
      [
        '[sip]',
        `sip_port=${sipPort}`,
        'sip_tcp_port=-1',
        'sip_tls_port=-1',
        'use_ipv6=0',
        // Its network monitor finds no interface but loopback in a lab: register and listen anyway.
        'register_only_when_network_is_up=0',
        'default_proxy=0',
        '[rtp]',
        `audio_rtp_port=${rtpPort}`,
        '[sound]',
        'echocancellation=0',
        '[proxy_0]',
        `reg_proxy=<sip:${o.registrar}>`,
        `reg_identity=sip:${o.account.user}@${o.registrar.split(':')[0]}`,
        'reg_expires=600',
        'reg_sendregister=1',
        '[auth_info_0]',
        `username=${o.account.user}`,
        `passwd=${o.account.password}`,
        ...(o.realm ? [`realm=${o.realm}`] : []),
        '',
      ].join('\n'),
    );
    // Line-buffered: its console is a pipe here, and a call's lines must arrive as they happen.
    const proc = lab.spawn('stdbuf', ['-oL', '-eL', 'linphonec', '-c', join(dir, 'linphonerc')], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
    const p = new Linphone(o.name, dir, proc, sipPort);
    await until(`${o.name}'s linphonec prompt`, () => p.out.includes('linphonec>') || proc.exitCode !== null, 15_000);
    if (proc.exitCode !== null) throw new Error(`linphonec exited (${proc.exitCode}): ${p.out}`);
    // Open its SIP port now, on the port given (it would otherwise wait for its network monitor).
    p.command(`ports sip ${sipPort}`);
    p.command('soundcard use files');
    p.command(`play ${join(dir, 'tone.wav')}`);
    p.command(`record ${join(dir, 'heard.wav')}`);
    // Its console says nothing of registrations (without -S): the engine's board tells (Center.logIn waits for it).
    return p;
  }

  /** Its console so far (for a failing test's message). */
  get console(): string {
    return this.out;
  }

  command(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  private read(text: string): void {
    this.out += text;
    this.rest += text;
    const parts = this.rest.split('\n');
    this.rest = parts.pop()!;
    for (const line of parts) {
      this.lines.push(line);
      if (process.env.LAB_SIP_TRACE) process.stderr.write(`[${this.name}] ${line}\n`);
      if (/Receiving new incoming call/.test(line)) this.events.push({ type: 'CALL_INCOMING', param: line.trim() });
      else if (/Call \d+ with .* connected\./.test(line)) this.events.push({ type: 'CALL_ESTABLISHED', param: line.trim() });
      else if (/Call \d+ with .* ended|Call \d+ .*(terminated|error)|Call ended/i.test(line)) this.events.push({ type: 'CALL_CLOSED', param: line.trim() });
    }
  }

  get ringing(): boolean {
    let i = -1;
    this.events.forEach((e, k) => (e.type === 'CALL_INCOMING' ? (i = k) : undefined));
    return i >= 0 && !this.events.slice(i + 1).some((e) => e.type === 'CALL_ESTABLISHED' || e.type === 'CALL_CLOSED');
  }

  async dial(uri: string): Promise<{ ok: boolean; data: string }> {
    this.command(`call ${uri}`);
    return { ok: true, data: '' };
  }
  async accept(): Promise<{ ok: boolean; data: string }> {
    this.command('answer');
    return { ok: true, data: '' };
  }
  async hangup(): Promise<{ ok: boolean; data: string }> {
    this.command('terminate');
    return { ok: true, data: '' };
  }

  /** Waits for an event (CALL_INCOMING…) after the `from`-th one. */
  async waitFor(type: string, from = 0, timeoutMs = 20_000): Promise<PhoneEvent> {
    return until(`${this.name}: ${type}`, () => this.events.slice(from).find((e) => e.type === type), timeoutMs);
  }

  /** Waits for a printed line matching `re` after the `from`-th line. */
  waitLine(re: RegExp, from = 0, timeoutMs = 20_000): Promise<string> {
    return until(`${this.name}: ${re}`, () => this.lines.slice(from).find((l) => re.test(l)), timeoutMs);
  }

  /** What it heard on its latest call (its record file; 8 kHz, as the scenario's Goertzel windows assume). */
  async heard(): Promise<Int16Array> {
    const { rate, samples } = await readWav(join(this.dir, 'heard.wav'));
    if (rate !== RATE) throw new Error(`${this.name} recorded at ${rate} Hz, not ${RATE}`);
    return samples;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) this.command('quit');
    await stopChild(this.proc, 5000);
  }
}
