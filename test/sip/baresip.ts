/**
 * A real SIP phone for lab tests: baresip (Debian baresip-core) inside the lab, playing its
 * own tone from an 8 kHz WAV (aufile; ausine only does 48 kHz in this build), recording
 * what it hears (sndfile: dump-…-dec.wav), driven over ctrl_tcp (netstring JSON; the
 * commands are the menu module's) through a Unix socket forward. SIP ports are 10 apart
 * (baresip tries TLS on port + 1).
 */
import net from 'node:net';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { writeToneWav, readWav } from '../support/sip/audio.js';
import { stopChild, until, type Lab } from '../support/sip/lab.js';

export interface PhoneOptions {
  name: string;
  /** The tone this phone plays (Hz). */
  tone: number;
  /** Register as this SIP user at `registrar` (host:port); none: a phone that only dials (a trunk's caller). */
  account?: { user: string; password: string };
  registrar: string;
  /** The address the phone's SIP binds (the lab address, or the trunk's). */
  bind?: string;
  transport?: 'udp' | 'tcp' | 'tls';
  /** auto: answers every call at once; manual: rings until accept(). */
  answer?: 'auto' | 'manual';
  /** Media encryption (baresip's srtp module): srtp (best effort, RTP/AVP with keys) or srtp-mand (RTP/SAVP only). */
  mediaenc?: 'srtp' | 'srtp-mand';
  /** The CA (PEM) the phone trusts for SIP over TLS. */
  cafile?: string;
  /** With an account: register (default), or only authenticate the calls it makes. */
  register?: boolean;
  /** Without an account: the user part of its address (default: its name), e.g. the number a carrier's customer has. */
  user?: string;
  /** A PEM file holding its certificate and key: the phone then takes SIP over TLS on its SIP port + 1 (a carrier's side). */
  certificate?: string;
}

export interface PhoneEvent {
  type: string;
  class?: string;
  param?: string;
  [k: string]: unknown;
}

export class Phone {
  readonly events: PhoneEvent[] = [];
  private pending = new Map<string, (r: { ok: boolean; data: string }) => void>();
  private token = 0;

  private constructor(
    readonly name: string,
    readonly dir: string,
    private readonly proc: ChildProcess,
    private readonly sock: net.Socket,
    readonly sipPort: number,
  ) {
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const colon = buf.indexOf(':');
        if (colon < 0) break;
        const n = Number(buf.toString('latin1', 0, colon));
        if (buf.length < colon + 1 + n + 1) break;
        const msg = JSON.parse(buf.toString('utf8', colon + 1, colon + 1 + n)) as Record<string, unknown>;
        buf = buf.subarray(colon + 2 + n);
        if (msg.response) this.pending.get(String(msg.token))?.({ ok: Boolean(msg.ok), data: String(msg.data ?? '') });
        else if (msg.event) this.events.push(msg as PhoneEvent);
      }
    });
  }

  static async start(lab: Lab, o: PhoneOptions): Promise<Phone> {
    const dir = join(lab.dir, `phone-${o.name}`);
    await mkdir(dir, { recursive: true });
    await writeToneWav(join(dir, 'tone.wav'), o.tone, 600);
    const sipPort = lab.port(10);
    const ctrlPort = lab.port(10);
    const bind = o.bind ?? lab.address;
    await writeFile(
      join(dir, 'config'),
      [
        'poll_method epoll',
        `sip_listen ${bind}:${sipPort}`,
        'audio_player alsa,null',
        'audio_alert alsa,null',
        `audio_source aufile,${join(dir, 'tone.wav')}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module sndfile.so',
        'module alsa.so',
        // Before account.so: an account's mediaenc names a module already loaded.
        ...(o.mediaenc ? ['module srtp.so'] : []),
        'module account.so',
        ...(o.cafile ? [`sip_cafile ${o.cafile}`] : []),
        ...(o.certificate ? [`sip_certificate ${o.certificate}`] : []),
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen ${lab.address}:${ctrlPort}`,
        `snd_path ${dir}`,
        'sip_trans_def udp',
        '',
      ].join('\n'),
    );
    const t = o.transport === 'tcp' || o.transport === 'tls' ? `;transport=${o.transport}` : '';
    const answer = `answermode=${o.answer ?? 'manual'}${o.mediaenc ? `;mediaenc=${o.mediaenc}` : ''}`;
    const line = o.account
      ? `<sip:${o.account.user}@${o.registrar}${t}>;auth_pass=${o.account.password};${answer};regint=${o.register === false ? 0 : 600}`
      : `<sip:${o.user ?? o.name}@${bind}${t}>;${answer};regint=0`;
    await writeFile(join(dir, 'accounts'), `${line}\n`);
    // LAB_SIP_TRACE=1 prints each phone's SIP trace (baresip -s), to see what went over the wire.
    const proc = lab.spawn('baresip', ['-f', dir, ...(process.env.LAB_SIP_TRACE ? ['-s'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    if (process.env.LAB_SIP_TRACE) proc.stdout!.on('data', (d: Buffer) => process.stderr.write(`[${o.name}] ${d.toString()}`));
    proc.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
    proc.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    const path = await lab.forward(ctrlPort);
    const sock = await until(`${o.name}'s control port`, () => connect(path), 10_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${log.join('')}`);
    });
    return new Phone(o.name, dir, proc, sock, sipPort);
  }

  command(command: string, params?: string): Promise<{ ok: boolean; data: string }> {
    const token = String(++this.token);
    const msg = JSON.stringify({ command, ...(params === undefined ? {} : { params }), token });
    this.sock.write(`${Buffer.byteLength(msg)}:${msg},`);
    return new Promise((resolve) => this.pending.set(token, resolve));
  }

  /** Whether a call is ringing at this phone now (its last incoming call is neither answered nor gone). */
  get ringing(): boolean {
    let i = -1;
    this.events.forEach((e, k) => (e.type === 'CALL_INCOMING' ? (i = k) : undefined));
    return i >= 0 && !this.events.slice(i + 1).some((e) => e.type === 'CALL_ESTABLISHED' || e.type === 'CALL_CLOSED');
  }

  dial(uri: string) {
    return this.command('dial', uri);
  }
  accept() {
    return this.command('accept');
  }
  hangup() {
    return this.command('hangup');
  }

  /** Waits for a ctrl_tcp event of `type` after the `from`-th event (default: any so far). */
  async waitFor(type: string, from = 0, timeoutMs = 20_000): Promise<PhoneEvent> {
    return until(`${this.name}: ${type}`, () => this.events.slice(from).find((e) => e.type === type), timeoutMs);
  }

  /** The latest call's recording of what this phone heard (its -dec.wav). */
  async heard(): Promise<Int16Array> {
    const files = (await readdir(this.dir)).filter((f) => f.endsWith('-dec.wav'));
    const dated = await Promise.all(files.map(async (f) => ({ f, t: (await stat(join(this.dir, f))).mtimeMs })));
    const last = dated.sort((a, b) => a.t - b.t).pop();
    if (!last) throw new Error(`${this.name} recorded nothing`);
    return (await readWav(join(this.dir, last.f))).samples;
  }

  async stop(): Promise<void> {
    this.sock.destroy();
    await stopChild(this.proc);
  }
}

function connect(path: string): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => {
      // The forward accepts before baresip listens: a socket that closes at once was not really connected.
      const t = setTimeout(() => (s.removeAllListeners('close'), resolve(s)), 150);
      s.once('close', () => (clearTimeout(t), resolve(null)));
    });
    s.once('error', () => resolve(null));
  });
}
